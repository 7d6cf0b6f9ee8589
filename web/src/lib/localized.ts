import type { Lang } from './i18n';

export type Localized = { ru?: string; en?: string };

/** What the API takes as text per language: the non-empty ones, trimmed; undefined when none. */
export function localized(texts: Localized): Localized | undefined {
  const out: Localized = {};
  for (const lang of ['ru', 'en'] as const) {
    const s = texts[lang]?.trim();
    if (s) out[lang] = s;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The text in the console's language, else the one given for all. */
export const inLang = <T extends string | null>(text: T, byLang: Record<Lang, string> | null | undefined, lang: Lang): string | T =>
  byLang?.[lang] ?? text;
