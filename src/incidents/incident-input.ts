import { FieldReader, isCode } from '../common/validation';
import { ScopeEmpty } from './incident.errors';

export interface ScopeInput {
  areaCodes: string[];
  elementCodes: string[];
}

/** Reads `scope: {areaCodes?, elementCodes?}`; an empty scope is refused. */
export function readScope(r: FieldReader, required: boolean): ScopeInput | undefined {
  if (!r.has('scope')) {
    if (required) r.fail('scope', 'is required');
    return undefined;
  }
  const s = r.object('scope');
  if (!s) return undefined;
  s.onlyKnown(['areaCodes', 'elementCodes']);
  const areaCodes = s.stringList('areaCodes', isCode, 'area codes') ?? [];
  const elementCodes = s.stringList('elementCodes', isCode, 'network element codes') ?? [];
  if (r.errors.length === 0 && areaCodes.length + elementCodes.length === 0) throw new ScopeEmpty();
  return { areaCodes, elementCodes };
}
