import { FieldReader } from '../common/validation';

export const AREA_FIELDS = ['code', 'name', 'parentCode', 'timezone'] as const;

/**
 * Reads an area from an API body or an import line: one rule set for create, patch and import.
 * A patch (`partial`) has no code and nothing required.
 */
export function readArea(r: FieldReader, opts: { partial?: boolean } = {}) {
  const required = !opts.partial;
  r.onlyKnown(opts.partial ? AREA_FIELDS.filter((f) => f !== 'code') : AREA_FIELDS);
  return {
    code: opts.partial ? undefined : r.code('code', true),
    name: r.string('name', { required, max: 200 }),
    parentCode: r.code('parentCode'),
    timezone: r.timezone('timezone'),
  };
}
