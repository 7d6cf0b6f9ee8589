// Masks personal data in free text: keeps enough to recognise a record, not enough to contact anyone.
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
// Eight or more characters of digits and the separators people write phones with. A run that
// continues a number (after a digit, or a digit and "-") or starts an ISO date is not a phone:
// without that every timestamp in a log line came out as "20****23T12:48:00Z".
const PHONE = /(?<!\d)(?<!\d-)(?!\d{4}-\d\d-\d\d)\+?\d[\d\s().-]{6,}\d/g;
const MAX_DEPTH = 4;

export function maskEmail(email: string): string {
  return email.replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`);
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return phone;
  return `${phone.trim().startsWith('+') ? '+' : ''}${digits.slice(0, 2)}${'*'.repeat(digits.length - 4)}${digits.slice(-2)}`;
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
