import { statusUrl } from '../incidents/public-code';
import { etrPhrase, kindWord, statusWord } from '../notifications/templates/phrases';

/**
 * Our direct answers to STOP, START and STATUS. Short fixed sentences, so they live here rather
 * than in the operator-edited template files; the words inside (status, ETR, kind) come from the
 * same phrase tables the templates use.
 */
type Locale = 'ru' | 'en';

const TEXTS = {
  en: {
    optOut: 'You will no longer get outage SMS from us. To get them again, reply START.',
    optIn: 'You will get outage SMS from us again. To stop them, reply STOP.',
    noOutages: 'No known outages affecting you right now.',
    incident: (kind: string, code: string, status: string, etr: string, url: string) => `${kind} ${code}: ${status}. Expected fix: ${etr}. ${url}`,
    more: (n: number) => `And ${n} more.`,
  },
  ru: {
    optOut: 'Вы отписались от SMS об авариях. Чтобы снова получать их, отправьте СТАРТ.',
    optIn: 'Вы снова будете получать SMS об авариях. Чтобы отписаться, отправьте СТОП.',
    noOutages: 'Известных аварий по вашему адресу сейчас нет.',
    incident: (kind: string, code: string, status: string, etr: string, url: string) => `${kind} ${code}: ${status}. Срок: ${etr}. ${url}`,
    more: (n: number) => `И ещё ${n}.`,
  },
} as const;

/** Beyond this a STATUS answer names how many more there are instead of listing them. */
export const STATUS_MAX_INCIDENTS = 3;

export interface OpenIncident {
  code: string;
  kind: 'outage' | 'degradation' | 'maintenance';
  status: string;
  etr: Date | null;
}

export function optOutText(locale: Locale): string {
  return TEXTS[locale].optOut;
}

export function optInText(locale: Locale): string {
  return TEXTS[locale].optIn;
}

/** One line per open incident, newest first as given, times in the subscriber's zone. */
export function statusText(locale: Locale, incidents: OpenIncident[], now: Date, zone: string, publicBaseUrl: string): string {
  const t = TEXTS[locale];
  if (incidents.length === 0) return t.noOutages;
  const lines = incidents.slice(0, STATUS_MAX_INCIDENTS).map((i) => {
    const kind = kindWord(i.kind, locale);
    return t.incident(kind[0].toUpperCase() + kind.slice(1), i.code, statusWord(i.status, locale), etrPhrase(i.etr, now, zone, locale), statusUrl(publicBaseUrl, i.code, locale));
  });
  if (incidents.length > STATUS_MAX_INCIDENTS) lines.push(t.more(incidents.length - STATUS_MAX_INCIDENTS));
  return lines.join('\n');
}
