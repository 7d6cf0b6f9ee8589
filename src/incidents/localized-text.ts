import { FieldReader, Locale, LOCALES } from '../common/validation';

/** An incident's words per language; a language missing here reads the text given for all. */
export type Localized = Partial<Record<Locale, string>>;

/** The text in `locale`: its own if one was given, else the text given for every language. */
export function inLocale<T extends string | null>(text: T, byLocale: Localized | null | undefined, locale: Locale): string | T {
  return byLocale?.[locale] ?? text;
}

/** The text in every language, or null when there is none. */
export function everyLocale(text: string | null, byLocale: Localized | null | undefined): Record<Locale, string> | null {
  if (text === null) return null;
  return Object.fromEntries(LOCALES.map((l) => [l, inLocale(text, byLocale, l)])) as Record<Locale, string>;
}

/**
 * Reads a text given for every language (`field`, e.g. title), per language (`perLocale`, e.g.
 * titles: {ru, en}), or both. The text for all is the one given, else the first language's; per
 * language, only what was given. Undefined when neither field holds any text.
 */
export function readLocalized(
  r: FieldReader, field: string, perLocale: string, max: number,
): { text: string; byLocale: Localized } | undefined {
  const text = r.string(field, { max });
  const byLocale: Localized = {};
  const o = r.object(perLocale);
  if (o) {
    o.onlyKnown(LOCALES);
    for (const locale of LOCALES) {
      const s = o.string(locale, { max });
      if (s) byLocale[locale] = s;
    }
  }
  const all = text ?? LOCALES.map((l) => byLocale[l]).find((s) => s !== undefined);
  return all === undefined ? undefined : { text: all, byLocale };
}
