import { FieldError, FieldReader, FLAG, Locale, LOCALES, Tier, TIERS } from '../common/validation';

/** A subscriber as validated at the edge, with codes not yet resolved to ids. */
export interface SubscriberInput {
  externalId: string;
  name: string;
  phone: string | null;
  email: string | null;
  locale: Locale;
  timezone: string | null;
  quietStart: number | null;
  quietEnd: number | null;
  tier: Tier;
  flags: string[];
  areaCode: string;
  accessElementCode: string | null;
  smsConsent: boolean;
  emailConsent: boolean;
}

export const SUBSCRIBER_FIELDS = [
  'externalId', 'name', 'phone', 'email', 'locale', 'timezone', 'quietHours', 'tier', 'flags', 'areaCode',
  'accessElementCode', 'channels',
] as const;

/** Flat column names used by CSV and accepted in NDJSON too. */
export const SUBSCRIBER_FLAT_FIELDS = [
  'externalId', 'name', 'phone', 'email', 'locale', 'timezone', 'quietStart', 'quietEnd', 'tier', 'flags', 'areaCode',
  'accessElementCode', 'sms', 'emailConsent',
] as const;

/**
 * Reads one subscriber from an API body or an import line. `flat` rows spell quiet hours as
 * quietStart / quietEnd and consents as sms / emailConsent (a CSV cannot nest, and `email` is
 * already the address column).
 */
export function readSubscriber(
  raw: Record<string, unknown>,
  region: string,
  opts: { partial?: boolean; flat?: boolean } = {},
): { value?: Partial<SubscriberInput>; errors: FieldError[] } {
  const r = new FieldReader(raw);
  const required = !opts.partial;
  r.onlyKnown(opts.flat ? SUBSCRIBER_FLAT_FIELDS : SUBSCRIBER_FIELDS);
  const v: Partial<SubscriberInput> = {};
  v.externalId = r.code('externalId', required);
  v.name = r.string('name', { required, max: 200 });
  v.phone = r.phone('phone', region);
  v.email = r.email('email');
  v.locale = r.oneOf('locale', LOCALES);
  v.timezone = r.timezone('timezone');
  v.tier = r.oneOf('tier', TIERS);
  v.flags = r.stringList('flags', (f) => FLAG.test(f), 'lower-case flags such as sensitive or 24x7');
  v.areaCode = r.code('areaCode', required);
  v.accessElementCode = r.code('accessElementCode');

  let quiet: { start?: number; end?: number };
  if (opts.flat) {
    quiet = { start: r.hhmm('quietStart'), end: r.hhmm('quietEnd') };
    v.smsConsent = r.boolean('sms');
    v.emailConsent = r.boolean('emailConsent');
  } else {
    const q = r.object('quietHours');
    quiet = { start: q?.hhmm('start'), end: q?.hhmm('end') };
    if (q && !q.has('start')) q.fail('start', 'is required');
    if (q && !q.has('end')) q.fail('end', 'is required');
    q?.onlyKnown(['start', 'end']);
    const ch = r.object('channels');
    v.smsConsent = ch?.boolean('sms');
    v.emailConsent = ch?.boolean('email');
    ch?.onlyKnown(['sms', 'email']);
  }
  if (quiet.start !== undefined && quiet.end !== undefined) {
    v.quietStart = quiet.start;
    v.quietEnd = quiet.end;
  } else if (opts.flat && r.has('quietStart') !== r.has('quietEnd')) {
    r.fail(r.has('quietStart') ? 'quietEnd' : 'quietStart', 'is required when the other end of the quiet hours is given');
  }

  if (required && v.phone === undefined && v.email === undefined && !r.has('phone') && !r.has('email')) {
    r.fail('phone', 'or email is required: a subscriber needs at least one channel');
  }
  if (r.errors.length) return { errors: r.errors };
  return { value: v, errors: [] };
}

/** Fills defaults for a new subscriber. */
export function withDefaults(v: Partial<SubscriberInput>): SubscriberInput {
  return {
    externalId: v.externalId!,
    name: v.name!,
    phone: v.phone ?? null,
    email: v.email ?? null,
    locale: v.locale ?? 'ru',
    timezone: v.timezone ?? null,
    quietStart: v.quietStart ?? null,
    quietEnd: v.quietEnd ?? null,
    tier: v.tier ?? 'residential',
    flags: v.flags ?? [],
    areaCode: v.areaCode!,
    accessElementCode: v.accessElementCode ?? null,
    smsConsent: v.smsConsent ?? true,
    emailConsent: v.emailConsent ?? true,
  };
}
