import { IANAZone } from 'luxon';
import { CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/** One problem with one input field; `line` is set by bulk imports. */
export interface FieldError {
  field: string;
  message: string;
  line?: number;
}

/** A local quiet window in minutes after midnight; start === end means no quiet hours. */
export interface QuietWindow {
  start: number;
  end: number;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseHhMm(value: string): number | undefined {
  const m = HH_MM.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

export function formatHhMm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function parseQuietWindow(start: string, end: string): QuietWindow | undefined {
  const s = parseHhMm(start);
  const e = parseHhMm(end);
  return s === undefined || e === undefined ? undefined : { start: s, end: e };
}

const zoneCache = new Map<string, boolean>();
export function isIanaZone(zone: string): boolean {
  let ok = zoneCache.get(zone);
  if (ok === undefined) {
    // Offsets like "+03:00" are accepted by Intl but are not IANA zone names.
    ok = /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone) && IANAZone.isValidZone(zone);
    zoneCache.set(zone, ok);
  }
  return ok;
}

/** Parses a phone number to E.164; numbers without "+" are read in `region`. */
export function toE164(raw: string, region: string): string | undefined {
  const parsed = parsePhoneNumberFromString(raw, region as CountryCode);
  return parsed && parsed.isValid() ? parsed.number : undefined;
}

// Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is the SMTP server's call.
const EMAIL = /^[^\s@"<>,;]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

// Codes are identifiers from the operator's BSS/inventory: printable, no spaces.
const CODE = /^[A-Za-z0-9][A-Za-z0-9._:\-/]{0,63}$/;
export function isCode(value: string): boolean {
  return CODE.test(value);
}

export const TIERS = ['residential', 'business', 'vip'] as const;
export type Tier = (typeof TIERS)[number];
export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const FLAG = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/**
 * Reads fields out of an untyped object, collecting every problem instead of stopping at the
 * first. Used both by the HTTP pipes and by the bulk importers, so one rule set serves both.
 */
export class FieldReader {
  constructor(
    private readonly input: Record<string, unknown>,
    private readonly prefix = '',
    readonly errors: FieldError[] = [],
  ) {}

  has(field: string): boolean {
    const v = this.input[field];
    return v !== undefined && v !== null && v !== '';
  }

  fail(field: string, message: string): undefined {
    this.errors.push({ field: this.prefix + field, message });
    return undefined;
  }

  string(field: string, opts: { required?: boolean; max?: number } = {}): string | undefined {
    const v = this.input[field];
    if (v === undefined || v === null || v === '') {
      return opts.required ? this.fail(field, 'is required') : undefined;
    }
    if (typeof v !== 'string') return this.fail(field, 'must be a string');
    const s = v.trim();
    if (opts.required && s === '') return this.fail(field, 'is required');
    if (opts.max !== undefined && s.length > opts.max) return this.fail(field, `must be at most ${opts.max} characters`);
    return s;
  }

  code(field: string, required = false): string | undefined {
    const s = this.string(field, { required });
    if (s === undefined) return undefined;
    return isCode(s) ? s : this.fail(field, 'must be 1-64 letters, digits or ._:-/ with no spaces');
  }

  timezone(field: string): string | undefined {
    const s = this.string(field);
    if (s === undefined) return undefined;
    return isIanaZone(s) ? s : this.fail(field, `"${s}" is not a known IANA time zone`);
  }

  phone(field: string, region: string): string | undefined {
    const s = this.string(field, { max: 32 });
    if (s === undefined) return undefined;
    return toE164(s, region) ?? this.fail(field, 'is not a valid phone number');
  }

  email(field: string): string | undefined {
    const s = this.string(field, { max: 254 });
    if (s === undefined) return undefined;
    return isEmail(s) ? s.toLowerCase() : this.fail(field, 'is not a valid email address');
  }

  hhmm(field: string): number | undefined {
    const s = this.string(field);
    if (s === undefined) return undefined;
    return parseHhMm(s) ?? this.fail(field, 'must be a time as HH:MM (00:00-23:59)');
  }

  /** An ISO 8601 date-time with an explicit offset (or Z): a bare local time is ambiguous. */
  instant(field: string): Date | undefined {
    const s = this.string(field);
    if (s === undefined) return undefined;
    const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(s) ? Date.parse(s) : NaN;
    return Number.isNaN(ms) ? this.fail(field, 'must be an ISO 8601 date-time with offset, e.g. 2026-11-23T18:00:00+07:00') : new Date(ms);
  }

  /** A positive integer, given as a JSON number or (query strings) as digits. */
  positiveInt(field: string): number | undefined {
    const v = this.input[field];
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : NaN;
    return Number.isSafeInteger(n) && n > 0 && n <= 2_147_483_647 ? n : this.fail(field, 'must be a positive integer');
  }

  oneOf<T extends string>(field: string, allowed: readonly T[]): T | undefined {
    const s = this.string(field);
    if (s === undefined) return undefined;
    return (allowed as readonly string[]).includes(s) ? (s as T) : this.fail(field, `must be one of ${allowed.join(', ')}`);
  }

  boolean(field: string): boolean | undefined {
    const v = this.input[field];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    return this.fail(field, 'must be true or false');
  }

  stringList(field: string, valid: (item: string) => boolean, itemRule: string): string[] | undefined {
    const v = this.input[field];
    if (v === undefined || v === null || v === '') return undefined;
    const list = typeof v === 'string' ? v.split(/[;|]/).map((s) => s.trim()).filter(Boolean) : v;
    if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || !valid(s))) {
      return this.fail(field, `must be a list of ${itemRule}`);
    }
    return [...new Set(list as string[])];
  }

  object(field: string): FieldReader | undefined {
    const v = this.input[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) return this.fail(field, 'must be an object');
    return new FieldReader(v as Record<string, unknown>, `${this.prefix}${field}.`, this.errors);
  }

  /** Rejects fields the schema does not know, so a typo is not silently ignored. */
  onlyKnown(known: readonly string[]): void {
    for (const key of Object.keys(this.input)) {
      if (!known.includes(key)) this.fail(key, 'is not a known field');
    }
  }
}
