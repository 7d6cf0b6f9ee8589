import { PublicIncident } from './status-page.service';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const TEXT = {
  en: {
    title: 'Service status', code: 'Tracking code', started: 'Started', etr: 'Expected back', resolved: 'Restored',
    manager: 'Your outage manager', updates: 'Updates', none: 'No updates yet.', unknown: 'not yet known',
    notFound: 'We could not find an incident with this code. Please check it and try again.',
    status: { scheduled: 'Planned work', investigating: 'Investigating', identified: 'Cause found', monitoring: 'Fixed, monitoring',
      resolved: 'Restored', cancelled: 'Cancelled' } as Record<string, string>,
  },
  ru: {
    title: 'Состояние услуги', code: 'Код обращения', started: 'Начало', etr: 'Ожидаемое восстановление', resolved: 'Восстановлено',
    manager: 'Ваш менеджер по аварии', updates: 'Обновления', none: 'Пока нет обновлений.', unknown: 'уточняется',
    notFound: 'Мы не нашли аварию с таким кодом. Проверьте код и попробуйте ещё раз.',
    status: { scheduled: 'Плановые работы', investigating: 'Выясняем причину', identified: 'Причина найдена',
      monitoring: 'Исправлено, наблюдаем', resolved: 'Восстановлено', cancelled: 'Отменено' } as Record<string, string>,
  },
};
export type PageLocale = keyof typeof TEXT;

export function pickLocale(acceptLanguage: string | undefined, lang: unknown): PageLocale {
  if (lang === 'ru' || lang === 'en') return lang;
  return /^\s*ru\b/i.test(acceptLanguage ?? '') ? 'ru' : 'en';
}

// Times are printed in UTC on the server and rewritten to the reader's own zone by the browser.
const time = (iso: string) => `<time datetime="${iso}">${iso.replace('T', ' ').slice(0, 16)} UTC</time>`;

/**
 * The page's script and style, served as files (see StatusPageController): the Content-Security-
 * Policy allows no inline script or style, so nothing injected into a page could run.
 */
export const STATUS_PAGE_ASSETS = {
  'page.js': {
    type: 'text/javascript; charset=utf-8',
    body: `for (const t of document.querySelectorAll('time'))
  t.textContent = new Date(t.dateTime).toLocaleString(document.documentElement.lang, { dateStyle: 'medium', timeStyle: 'short' });
`,
  },
  'page.css': {
    type: 'text/css; charset=utf-8',
    body: `body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
.badge{display:inline-block;padding:.2rem .6rem;border-radius:1rem;background:#fde68a}.resolved{background:#bbf7d0}.cancelled{background:#e5e7eb}
dt{color:#666;font-size:.9rem}dd{margin:0 0 .8rem}li{margin-bottom:.6rem}
`,
  },
} as const;
export type StatusPageAsset = keyof typeof STATUS_PAGE_ASSETS;

function page(locale: PageLocale, title: string, body: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><link rel="stylesheet" href="/status/assets/page.css"><script src="/status/assets/page.js" defer></script>
</head><body>${body}</body></html>`;
}

export function renderStatusPage(i: PublicIncident, locale: PageLocale): string {
  const t = TEXT[locale];
  const updates = i.updates.filter((u) => u.message);
  return page(
    locale,
    `${t.title}: ${i.title}`,
    `<h1>${esc(i.title)}</h1>
<p><span class="badge ${esc(i.status)}">${esc(t.status[i.status] ?? i.status)}</span></p>
<dl><dt>${t.code}</dt><dd>${esc(i.code)}</dd>
<dt>${t.started}</dt><dd>${time(i.startedAt)}</dd>
${i.resolvedAt ? `<dt>${t.resolved}</dt><dd>${time(i.resolvedAt)}</dd>` : `<dt>${t.etr}</dt><dd>${i.etr ? time(i.etr) : t.unknown}</dd>`}
${i.manager ? `<dt>${t.manager}</dt><dd>${esc(i.manager.name)}</dd>` : ''}</dl>
<h2>${t.updates}</h2>
${updates.length ? `<ul>${updates.reverse().map((u) => `<li>${time(u.at)}<br>${esc(u.message!)}</li>`).join('')}</ul>` : `<p>${t.none}</p>`}`,
  );
}

export function renderNotFound(locale: PageLocale): string {
  return page(locale, TEXT[locale].title, `<h1>${TEXT[locale].title}</h1><p>${TEXT[locale].notFound}</p>`);
}
