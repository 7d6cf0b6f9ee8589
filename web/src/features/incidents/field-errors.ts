import type { ApiError } from '../../api/client';

/**
 * The API's 422 details as form errors: {field: message}, fields renamed where the form
 * names them otherwise (the API says scope.areaCodes, the form areaCodes).
 */
export function fieldErrors(error: ApiError, rename: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of error.details) {
    if (!d.field) continue;
    const field = rename[d.field] ?? rename[d.field.replace(/\[\d+\]$/, '')] ?? d.field;
    out[field] = out[field] ? `${out[field]}; ${d.message}` : d.message;
  }
  return out;
}
