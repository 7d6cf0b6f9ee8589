import { PublicIncident } from './status-page.service';

const RU_TIMES: Record<string, string> = { one: 'раз', few: 'раза', many: 'раз' };

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const TEXT = {
  en: {
    title: 'Service status', code: 'Tracking code', started: 'Started', etr: 'Expected back', resolved: 'Restored',
    areas: 'Affected areas', manager: 'Your outage manager', updates: 'Updates', none: 'No updates yet.', unknown: 'not yet known',
    notFound: 'We could not find an incident with this code. Please check it and try again.',
    zoneUtc: 'Times are in UTC.', zoneLocal: 'Times are in your time zone: {zone}.', refreshes: 'This page updates itself every minute.',
    firstExpected: 'First expected', now: 'now', revised: (n: number) => `revised ${n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`}`,
    status: { scheduled: 'Planned work', investigating: 'Investigating', identified: 'Cause found', monitoring: 'Fixed, monitoring',
      resolved: 'Restored', cancelled: 'Cancelled' } as Record<string, string>,
  },
  ru: {
    title: 'Состояние услуги', code: 'Код обращения', started: 'Начало', etr: 'Ожидаемое восстановление', resolved: 'Восстановлено',
    areas: 'Где нет связи', manager: 'Ваш менеджер по аварии', updates: 'Обновления', none: 'Пока нет обновлений.', unknown: 'уточняется',
    notFound: 'Мы не нашли аварию с таким кодом. Проверьте код и попробуйте ещё раз.',
    zoneUtc: 'Время указано по UTC.', zoneLocal: 'Время указано по вашему часовому поясу: {zone}.',
    refreshes: 'Страница обновляется сама каждую минуту.',
    firstExpected: 'Сначала ожидали', now: 'теперь', revised: (n: number) => `срок меняли ${n} ${RU_TIMES[new Intl.PluralRules('ru').select(n)] ?? 'раз'}`,
    status: { scheduled: 'Плановые работы', investigating: 'Выясняем причину', identified: 'Причина найдена',
      monitoring: 'Исправлено, наблюдаем', resolved: 'Восстановлено', cancelled: 'Отменено' } as Record<string, string>,
  },
};
export type PageLocale = keyof typeof TEXT;

export function pickLocale(acceptLanguage: string | undefined, lang: unknown): PageLocale {
  if (lang === 'ru' || lang === 'en') return lang;
  return /^\s*ru\b/i.test(acceptLanguage ?? '') ? 'ru' : 'en';
}

/** How often an open incident's page reloads itself (its cache lifetime is shorter). */
export const REFRESH_SECONDS = 60;

// Times are printed in UTC on the server and rewritten to the reader's own zone, named, by the browser.
const time = (iso: string) => `<time datetime="${iso}">${iso.replace('T', ' ').slice(0, 16)} UTC</time>`;

/**
 * The page's script and style, served as files (see StatusPageController): the Content-Security-
 * Policy allows no inline script or style, so nothing injected into a page could run.
 */
export const STATUS_PAGE_ASSETS = {
  'page.js': {
    type: 'text/javascript; charset=utf-8',
    body: `// The page's language in the reader's own variant (en-GB: 19:00, en-US: 7:00 PM).
const lang = navigator.languages.find((l) => l.split('-')[0] === document.documentElement.lang) ?? document.documentElement.lang;
const at = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
for (const t of document.querySelectorAll('time')) t.textContent = at.format(new Date(t.dateTime));
// The zone by its IANA name and offset: ICU's long names can mislead (Novosibirsk reads "Krasnoyarsk Standard Time").
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const offset = new Intl.DateTimeFormat(lang, { timeZoneName: 'short' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName');
const note = document.getElementById('zone');
if (note && zone) note.textContent = note.dataset.local.replace('{zone}', zone.replace(/_/g, ' ') + (offset ? ' (' + offset.value + ')' : ''));
`,
  },
  'page.css': {
    type: 'text/css; charset=utf-8',
    body: `body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
.note{color:#666;font-size:.9rem}.history{display:block;color:#666;font-size:.9rem}
.badge{display:inline-block;padding:.2rem .6rem;border-radius:1rem;background:#fde68a}.resolved{background:#bbf7d0}.cancelled{background:#e5e7eb}
dt{color:#666;font-size:.9rem}dd{margin:0 0 .8rem}li{margin-bottom:.6rem}
`,
  },
} as const;
export type StatusPageAsset = keyof typeof STATUS_PAGE_ASSETS;

function page(locale: PageLocale, title: string, body: string, refresh = false): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
${refresh ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">` : ''}<title>${esc(title)}</title>
<link rel="stylesheet" href="/status/assets/page.css"><script src="/status/assets/page.js" defer></script>
<link rel="icon" type="image/svg+xml" href="/console/favicon.svg">
</head><body>${body}</body></html>`;
}

/** "First expected 16:30 → 17:30 → now 18:30, revised twice", when the ETR ever moved. */
function etrHistory(i: PublicIncident, locale: PageLocale): string {
  const t = TEXT[locale];
  const h = i.etrHistory;
  if (h.length < 2) return '';
  const steps = h.map((etr, n) => (n === h.length - 1 ? `${t.now} ${time(etr)}` : time(etr))).join(' → ');
  return `<span class="history">${t.firstExpected} ${steps}; ${t.revised(h.length - 1)}.</span>`;
}

export function renderStatusPage(i: PublicIncident, locale: PageLocale, open: boolean): string {
  const t = TEXT[locale];
  const title = i.titles[locale];
  const updates = i.updates.filter((u) => u.message);
  const expected = i.resolvedAt
    ? `<dt>${t.resolved}</dt><dd>${time(i.resolvedAt)}${etrHistory(i, locale)}</dd>`
    : `<dt>${t.etr}</dt><dd>${i.etr ? time(i.etr) : t.unknown}${etrHistory(i, locale)}</dd>`;
  return page(
    locale,
    `${t.title}: ${title}`,
    `<h1>${esc(title)}</h1>
<p><span class="badge ${esc(i.status)}">${esc(t.status[i.status] ?? i.status)}</span></p>
<p class="note"><span id="zone" data-local="${esc(t.zoneLocal)}">${t.zoneUtc}</span>${open ? ` ${t.refreshes}` : ''}</p>
<dl><dt>${t.code}</dt><dd>${esc(i.code)}</dd>
${i.areas.length ? `<dt>${t.areas}</dt><dd>${i.areas.map(esc).join(', ')}</dd>` : ''}
<dt>${t.started}</dt><dd>${time(i.startedAt)}</dd>
${expected}
${i.manager ? `<dt>${t.manager}</dt><dd>${esc(i.manager.name)}</dd>` : ''}</dl>
<h2>${t.updates}</h2>
${updates.length
    ? `<ul>${updates.reverse().map((u) => `<li>${time(u.at)}<br>${esc(u.messages?.[locale] ?? u.message!)}</li>`).join('')}</ul>`
    : `<p>${t.none}</p>`}`,
    open,
  );
}

export function renderNotFound(locale: PageLocale): string {
  return page(locale, TEXT[locale].title, `<h1>${TEXT[locale].title}</h1><p>${TEXT[locale].notFound}</p>`);
}
