/** A value for one column of a COPY ... FROM STDIN row in PostgreSQL's text format. */
export type CopyValue = string | number | boolean | null | undefined | readonly string[];

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeText(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : s;
}

/** An array literal: every element quoted, so commas, braces and the word NULL stay text. */
function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((i) => `"${i.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

function field(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'string') return escapeText(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  return escapeText(arrayLiteral(v));
}

/** One row: tab-separated, \N for null, newline-terminated. */
export function copyRow(values: readonly CopyValue[]): string {
  let row = field(values[0]);
  for (let i = 1; i < values.length; i++) row += '\t' + field(values[i]);
  return row + '\n';
}
