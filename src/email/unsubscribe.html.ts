import { maskEmail } from '../common/mask';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const TEXT = {
  en: {
    title: 'Outage emails',
    yourAddress: 'your address',
    confirm: (email: string) => `Stop outage emails to ${email}?`,
    note: 'We will no longer email you about network outages and repairs. Text messages are not affected: reply STOP to one of them to end those.',
    button: 'Unsubscribe',
    alreadyOff: (email: string) => `${email} is already unsubscribed from outage emails.`,
    done: (email: string) => `Done: we will no longer email ${email} about outages.`,
    invalid: 'This unsubscribe link is not valid. If you copied it from an email, please check that it was copied whole.',
    gone: 'We could not find the subscription this link was made for. Nothing was changed.',
  },
  ru: {
    title: 'Письма об авариях',
    yourAddress: 'ваш адрес',
    confirm: (email: string) => `Больше не присылать письма об авариях на ${email}?`,
    note: 'Мы перестанем писать вам об авариях в сети и ходе ремонта. SMS это не затрагивает: чтобы отключить их, ответьте на любое из них словом СТОП.',
    button: 'Отписаться',
    alreadyOff: (email: string) => `Адрес ${email} уже отписан от писем об авариях.`,
    done: (email: string) => `Готово: мы больше не будем писать об авариях на ${email}.`,
    invalid: 'Ссылка для отписки недействительна. Если вы копировали её из письма, проверьте, что она скопирована целиком.',
    gone: 'Мы не нашли подписку, для которой сделана эта ссылка. Ничего не изменено.',
  },
};
export type UnsubscribeLocale = keyof typeof TEXT;

/** The subscriber's own locale when known, else the browser's. */
export function unsubscribeLocale(subscriberLocale: string | undefined, acceptLanguage: string | undefined): UnsubscribeLocale {
  if (subscriberLocale === 'ru' || subscriberLocale === 'en') return subscriberLocale;
  return /^\s*ru\b/i.test(acceptLanguage ?? '') ? 'ru' : 'en';
}

/** The page's style, served as a file (UnsubscribeController): the Content-Security-Policy allows no inline style. */
export const UNSUBSCRIBE_PAGE_CSS = `body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
button{font:inherit;padding:.5rem 1.2rem;border-radius:.4rem;border:1px solid #b91c1c;background:#dc2626;color:#fff;cursor:pointer}
.note{color:#555}
`;

function page(locale: UnsubscribeLocale, body: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(TEXT[locale].title)}</title><link rel="stylesheet" href="/v1/public/unsubscribe/page.css">
</head><body><h1>${esc(TEXT[locale].title)}</h1>${body}</body></html>`;
}

const shown = (email: string | null, locale: UnsubscribeLocale) => (email ? maskEmail(email) : TEXT[locale].yourAddress);

/** The page a link opens: it changes nothing, so a mail scanner following links unsubscribes no one. */
export function renderConfirm(locale: UnsubscribeLocale, email: string | null, alreadyOff: boolean): string {
  const t = TEXT[locale];
  const address = shown(email, locale);
  if (alreadyOff) return page(locale, `<p>${esc(t.alreadyOff(address))}</p>`);
  return page(locale, `<p>${esc(t.confirm(address))}</p><p class="note">${esc(t.note)}</p><form method="post"><button type="submit">${esc(t.button)}</button></form>`);
}

export function renderDone(locale: UnsubscribeLocale, email: string | null): string {
  return page(locale, `<p>${esc(TEXT[locale].done(shown(email, locale)))}</p>`);
}

export function renderRefused(locale: UnsubscribeLocale, status: 400 | 404): string {
  return page(locale, `<p>${esc(status === 400 ? TEXT[locale].invalid : TEXT[locale].gone)}</p>`);
}
