import { formatTime, zoneCity } from '../../lib/format';
import { translate, type Lang } from '../../lib/i18n';

/** "now", or "from 09:00 their time (Irkutsk)" — the customer's own clock, with their zone named. */
export function callableText(entry: { callableNow: boolean; callableFrom: string; timezone: string }, lang: Lang): string {
  if (entry.callableNow) return translate(lang, 'calls.now');
  return translate(lang, 'calls.callableAt', { time: formatTime(entry.callableFrom, lang, entry.timezone), zone: zoneCity(entry.timezone, lang) });
}
