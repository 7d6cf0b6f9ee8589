// Masks personal data in free text: keeps enough to recognise a record, not enough to contact anyone.
// Letters, marks and digits of any script (иван@, jöhn@, 王@), not only ASCII: an ASCII-only class
// let "иван@example.com" through whole and cut "jöhn@" after the "ö". The domain may be an IDN,
// written in its own script (пример.рф) or as punycode (xn--e1afmkfd.xn--p1ai).
const LOCAL_CHAR = "[\\p{L}\\p{M}\\p{N}._%+\\-!#$&'*=?^`{|}~]";
const LABEL = '[\\p{L}\\p{M}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]*[\\p{L}\\p{M}\\p{N}])?';
const TLD = '(?:\\p{L}[\\p{L}\\p{M}]+|xn--[a-z0-9-]+)';
const EMAIL = new RegExp(`(${LOCAL_CHAR})${LOCAL_CHAR}*@((?:${LABEL}\\.)+${TLD})`, 'giu');
// Eight or more characters of digits (of any script: \p{Nd}) and the separators people write
// phones with. A run that continues a number (after a digit, or a digit and "-") or starts an ISO
// date is not a phone: without that every timestamp in a log line came out as "20****23T12:48:00Z".
const PHONE = /(?<!\p{Nd})(?<!\p{Nd}-)(?!\p{Nd}{4}-\p{Nd}\p{Nd}-\p{Nd}\p{Nd})\+?\p{Nd}[\p{Nd}\s().-]{6,}\p{Nd}/gu;
const MAX_DEPTH = 4;

export function maskEmail(email: string): string {
  return email.replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`);
}

export function maskPhone(phone: string): string {
  const digits = [...phone.replace(/\P{Nd}/gu, '')];
  if (digits.length < 7) return phone;
  return `${phone.trim().startsWith('+') ? '+' : ''}${digits.slice(0, 2).join('')}${'*'.repeat(digits.length - 4)}${digits.slice(-2).join('')}`;
}

export function maskText(text: string): string {
  return maskEmail(text).replace(PHONE, (m) => maskPhone(m));
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return '[unserialisable]';
  }
}

/** Deep-copies a log payload with every string masked. */
export function maskValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (typeof value === 'bigint') return value.toString(); // JSON.stringify would throw on it
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Error) return { name: value.name, message: maskText(value.message), stack: value.stack && maskText(value.stack) };
  // Deeper than this is flattened to text rather than passed through unmasked.
  if (depth > MAX_DEPTH) return maskText(json(value));
  if (Array.isArray(value)) return value.map((v) => maskValue(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v, depth + 1)]));
}
