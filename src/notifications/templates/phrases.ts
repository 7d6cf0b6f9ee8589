import { IANAZone } from 'luxon';
import { TemplateChannel, TemplateLocale } from './template.types';

/** Words the service puts into variables, per locale. Whole sentences stay in the template files. */
const WORDS = {
  en: {
    months: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
    today: (t: string) => `today by ${t}`,
    tomorrow: (t: string) => `tomorrow by ${t}`,
    date: (d: string, t: string) => `by ${d}, ${t}`,
    etrUnknown: 'not known yet',
    day: (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`,
    hours: 'h',
    minutes: 'min',
    ordinal: (n: number) => {
      const tens = n % 100;
      const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
      return `${n}${suffix}`;
    },
    kinds: { outage: 'network outage', degradation: 'service degradation', maintenance: 'planned maintenance' },
    statuses: {
      scheduled: 'planned', investigating: 'investigating', identified: 'cause found', monitoring: 'fixed, monitoring',
      resolved: 'restored', cancelled: 'cancelled',
    } as Record<string, string>,
    manager: {
      sms: (name: string, phone: string) => `Manager ${name} ${phone}`,
      email: (name: string, phone: string) => `Your personal contact for this is ${name}, direct line ${phone}`,
    },
    noManager: {
      sms: 'Your manager will be named soon.',
      email: 'We will name your personal contact shortly; their name and direct number will appear on the status page',
    },
  },
  ru: {
    months: ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'],
    today: (t: string) => `сегодня до ${t}`,
    tomorrow: (t: string) => `завтра до ${t}`,
    date: (d: string, t: string) => `до ${d}, ${t}`,
    etrUnknown: 'уточняется',
    day: (n: number) => `${n} ${({ one: 'день', few: 'дня' } as Record<string, string>)[ruPlural.select(n)] ?? 'дней'}`,
    hours: 'ч',
    minutes: 'мин',
    ordinal: (n: number) => `${n}-й`,
    kinds: { outage: 'авария в сети', degradation: 'ухудшение качества связи', maintenance: 'плановые работы' },
    statuses: {
      scheduled: 'запланировано', investigating: 'выясняем причину', identified: 'причина найдена', monitoring: 'исправлено, наблюдаем',
      resolved: 'восстановлено', cancelled: 'отменено',
    } as Record<string, string>,
    manager: {
      sms: (name: string, phone: string) => `Менеджер ${name} ${phone}`,
      email: (name: string, phone: string) => `Ваш ответственный менеджер — ${name}, прямой телефон ${phone}`,
    },
    noManager: {
      sms: 'Менеджера скоро назначим.',
      email: 'Ответственного менеджера назначим в ближайшее время, его имя и прямой телефон появятся на странице статуса',
    },
  },
} as const;
const ruPlural = new Intl.PluralRules('ru');

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Beyond this distance a date also shows its year. */
const SHOW_YEAR_AFTER_DAYS = 180;

const zones = new Map<string, IANAZone>();
function zoneOf(name: string): IANAZone {
  let zone = zones.get(name);
  if (!zone) {
    zone = IANAZone.create(name);
    if (!zone.isValid) throw new RangeError(`unknown time zone "${name}"`);
    zones.set(name, zone);
  }
  return zone;
}

interface LocalTime {
  /** Days since 1970-01-01 in local time: equal for two instants on the same local date. */
  day: number;
  date: number;
  month: number;
  year: number;
  hhmm: string;
}

const HOUR = 3_600_000;
const offsetsByHour = new Map<string, Map<number, number>>();

/**
 * The zone's UTC offset in minutes. Luxon asks Intl for every call (microseconds each, several per
 * message), so it is remembered per clock hour; an hour with a transition inside is never cached.
 */
function offsetAt(ms: number, zoneName: string): number {
  const zone = zoneOf(zoneName);
  let hours = offsetsByHour.get(zoneName);
  if (!hours) offsetsByHour.set(zoneName, (hours = new Map()));
  const hour = Math.floor(ms / HOUR);
  let offset = hours.get(hour);
  if (offset === undefined) {
    const start = zone.offset(hour * HOUR);
    offset = start === zone.offset((hour + 1) * HOUR - 1) ? start : NaN;
    if (hours.size > 10_000) hours.clear();
    hours.set(hour, offset);
  }
  return Number.isNaN(offset) ? zone.offset(ms) : offset;
}

// Shifting by the zone's offset and reading UTC fields is what DateTime.setZone does, minus the objects.
function local(at: Date, zoneName: string): LocalTime {
  const ms = at.getTime();
  const shifted = ms + offsetAt(ms, zoneName) * MINUTE;
  const d = new Date(shifted);
  return {
    day: Math.floor(shifted / DAY),
    date: d.getUTCDate(),
    month: d.getUTCMonth(),
    year: d.getUTCFullYear(),
    hhmm: `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`,
  };
}

export function localClock(at: Date, zone: string): string {
  return local(at, zone).hhmm;
}

/** "today by 18:00", "tomorrow by 09:30", "by 25 Nov, 18:00" in the reader's zone; "not known yet" for null. */
export function etrPhrase(etr: Date | null, now: Date, zone: string, locale: TemplateLocale): string {
  const w = WORDS[locale];
  if (!etr) return w.etrUnknown;
  const at = local(etr, zone);
  const today = local(now, zone).day;
  if (at.day === today) return w.today(at.hhmm);
  if (at.day === today + 1) return w.tomorrow(at.hhmm);
  const year = Math.abs(at.day - today) > SHOW_YEAR_AFTER_DAYS ? ` ${at.year}` : '';
  return w.date(`${at.date} ${w.months[at.month]}${year}`, at.hhmm);
}

/** "2 h 15 min" / "2 ч 15 мин"; days once it reaches a day; never less than a minute. */
export function durationPhrase(ms: number, locale: TemplateLocale): string {
  const w = WORDS[locale];
  const total = Math.max(1, Math.round(ms / MINUTE));
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  if (days > 0) return hours > 0 ? `${w.day(days)} ${hours} ${w.hours}` : w.day(days);
  if (hours > 0) return minutes > 0 ? `${hours} ${w.hours} ${minutes} ${w.minutes}` : `${hours} ${w.hours}`;
  return `${minutes} ${w.minutes}`;
}

export function ordinal(n: number, locale: TemplateLocale): string {
  return WORDS[locale].ordinal(n);
}

export function kindWord(kind: keyof (typeof WORDS)['en']['kinds'], locale: TemplateLocale): string {
  return WORDS[locale].kinds[kind];
}

export function statusWord(status: string, locale: TemplateLocale): string {
  return WORDS[locale].statuses[status] ?? status;
}

export function managerLine(manager: { name: string; phone: string } | null, channel: TemplateChannel, locale: TemplateLocale): string {
  const w = WORDS[locale];
  return manager ? w.manager[channel](manager.name, manager.phone) : w.noManager[channel];
}
