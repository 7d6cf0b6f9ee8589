import { describe, expect, it } from 'vitest';
import { DICTIONARIES, initialLang, translate } from './i18n';

describe(initialLang.name, () => {
  it('should follow the browser when nothing was chosen', () => {
    expect(initialLang(null, ['ru-RU', 'en'])).toBe('ru');
    expect(initialLang(null, ['de-DE', 'en-US', 'ru'])).toBe('en');
    expect(initialLang(null, ['de-DE'])).toBe('en');
  });

  it('should keep the language chosen in the console when there is one', () => {
    expect(initialLang('en', ['ru-RU'])).toBe('en');
    expect(initialLang('xx', ['ru-RU'])).toBe('ru');
  });
});

describe(translate.name, () => {
  it('should fill placeholders and leave unknown ones visible', () => {
    expect(translate('en', 'imports.done', { inserted: 3, updated: 0 })).toBe('Imported: 3 new, 0 updated.');
    expect(translate('ru', 'confirm.tellNow', { now: '2 314' })).toBe('2 314 получат сообщение сейчас, {later} — утром.');
  });

  it('should have every English key in Russian with the same placeholders', () => {
    for (const [key, text] of Object.entries(DICTIONARIES.en)) {
      const ru = DICTIONARIES.ru[key as keyof typeof DICTIONARIES.en];
      expect(ru, key).toBeTruthy();
      expect([...ru.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort(), key).toEqual([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort());
    }
  });
});
