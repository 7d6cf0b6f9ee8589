import { FieldReader } from '../common/validation';

export const NETWORK_ELEMENT_FIELDS = ['code', 'name', 'kind', 'parentCode', 'areaCode'] as const;

/**
 * Reads a network element from an API body or an import line: one rule set for create, patch
 * and import. A patch (`partial`) has no code and nothing required.
 */
export function readNetworkElement(r: FieldReader, opts: { partial?: boolean } = {}) {
  const required = !opts.partial;
  r.onlyKnown(opts.partial ? NETWORK_ELEMENT_FIELDS.filter((f) => f !== 'code') : NETWORK_ELEMENT_FIELDS);
  return {
    code: opts.partial ? undefined : r.code('code', true),
    name: r.string('name', { required, max: 200 }),
    kind: r.string('kind', { required, max: 50 }),
    parentCode: r.code('parentCode'),
    areaCode: r.code('areaCode'),
  };
}
