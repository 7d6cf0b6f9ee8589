/**
 * PostgreSQL stores no U+0000 in text or jsonb: an insert holding one fails. (Every other
 * character a JS string can hold is stored: the driver writes lone surrogates as U+FFFD.)
 */
const NUL = /\u0000/g;

/** The text without NUL characters, for text that comes from outside (SMS replies). */
export function storableText(text: string): string {
  return text.includes('\u0000') ? text.replace(NUL, '') : text;
}

const MAX_DEPTH = 32;

/**
 * The path of the first string or key holding a NUL in a parsed JSON value (`name`,
 * `scope.areaCodes[0]`), or undefined when there is none. Deeper than MAX_DEPTH is not walked:
 * such a value fails validation on its own.
 */
export function findUnstorable(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : undefined;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    const shown = key.replace(NUL, '\\u0000');
    const at = path ? `${path}.${shown}` : shown;
    if (key.includes('\u0000')) return at;
    const found = findUnstorable(v, at, depth + 1);
    if (found) return found;
  }
  return undefined;
}
