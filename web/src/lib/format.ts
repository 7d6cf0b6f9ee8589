import type { Lang } from './i18n';

const locale = (lang: Lang) => (lang === 'ru' ? 'ru-RU' : 'en-GB');

/** A time in the viewer's zone (or another zone), e.g. "23 Nov, 18:30". */
export function formatDateTime(iso: string | null | undefined, lang: Lang, timeZone?: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(lang), { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
}

/** An instant to the second, with the year, in the viewer's zone: "03/12/2026, 11:15:02" (ru "03.12.2026, 11:15:02"). */
export function formatInstant(iso: string, lang: Lang, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale(lang), {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone,
  }).format(new Date(iso));
}

/** Hours and minutes in a zone, e.g. "09:00" (with `seconds`, "09:00:05"). */
export function formatTime(iso: string, lang: Lang, timeZone?: string, seconds = false): string {
  return new Intl.DateTimeFormat(locale(lang), { hour: '2-digit', minute: '2-digit', second: seconds ? '2-digit' : undefined, hourCycle: 'h23', timeZone })
    .format(new Date(iso));
}

/**
 * Russian names of the zones' cities. Browsers do not all carry them (Chromium's ICU names
 * Asia/Novosibirsk "Novosibirsk" in Russian too), so the console keeps its own: Russia's zones and
 * its neighbours' capitals; any other zone is named from its IANA name.
 */
const RU_CITIES: Record<string, string> = {
  Kaliningrad: 'Калининград', Moscow: 'Москва', Simferopol: 'Симферополь', Kirov: 'Киров', Volgograd: 'Волгоград',
  Astrakhan: 'Астрахань', Saratov: 'Саратов', Ulyanovsk: 'Ульяновск', Samara: 'Самара', Yekaterinburg: 'Екатеринбург',
  Omsk: 'Омск', Novosibirsk: 'Новосибирск', Barnaul: 'Барнаул', Tomsk: 'Томск', Novokuznetsk: 'Новокузнецк',
  Krasnoyarsk: 'Красноярск', Irkutsk: 'Иркутск', Chita: 'Чита', Yakutsk: 'Якутск', Khandyga: 'Хандыга',
  Vladivostok: 'Владивосток', 'Ust-Nera': 'Усть-Нера', Magadan: 'Магадан', Sakhalin: 'Сахалин',
  Srednekolymsk: 'Среднеколымск', Kamchatka: 'Камчатка', Anadyr: 'Анадырь',
  Minsk: 'Минск', Kiev: 'Киев', Kyiv: 'Киев', Chisinau: 'Кишинёв', Riga: 'Рига', Vilnius: 'Вильнюс', Tallinn: 'Таллин',
  Helsinki: 'Хельсинки', Tbilisi: 'Тбилиси', Yerevan: 'Ереван', Baku: 'Баку', Almaty: 'Алматы', Astana: 'Астана',
  Tashkent: 'Ташкент', Bishkek: 'Бишкек', Dushanbe: 'Душанбе', Ashgabat: 'Ашхабад', Ulaanbaatar: 'Улан-Батор',
  London: 'Лондон', Berlin: 'Берлин', New_York: 'Нью-Йорк',
};

/** A zone's city in the viewer's language: "Asia/Novosibirsk" → "Novosibirsk" / "Новосибирск". */
export function zoneCity(zone: string, lang: Lang): string {
  const last = zone.split('/').pop()!;
  return (lang === 'ru' && RU_CITIES[last]) || last.replace(/_/g, ' ');
}

/** How long ago, in the viewer's language: "45 sec. ago" / "45 сек. назад", "2 min. ago" / "2 мин. назад". */
export function formatAgo(seconds: number, lang: Lang): string {
  const rtf = new Intl.RelativeTimeFormat(locale(lang), { style: 'short', numeric: 'always' });
  if (seconds < 60) return rtf.format(-Math.floor(seconds), 'second');
  if (seconds < 3600) return rtf.format(-Math.floor(seconds / 60), 'minute');
  return rtf.format(-Math.floor(seconds / 3600), 'hour');
}

export function formatCount(n: number, lang: Lang): string {
  return new Intl.NumberFormat(locale(lang)).format(n);
}

/**
 * A local date-time picked in the viewer's zone ("YYYY-MM-DD HH:mm:ss", as the date picker gives it)
 * as an ISO instant, or undefined when empty.
 */
export function pickedToIso(picked: string | null | undefined): string | undefined {
  if (!picked) return undefined;
  const at = new Date(picked.replace(' ', 'T'));
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** An instant as the date-time picker holds a local time: "YYYY-MM-DD HH:mm:ss" in the viewer's zone (pickedToIso's inverse). */
export function isoToPicked(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
