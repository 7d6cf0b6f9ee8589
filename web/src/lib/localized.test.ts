import { describe, expect, it } from 'vitest';
import { inLang, localized } from './localized';

describe(localized.name, () => {
  it('should keep only the languages with text, trimmed, and give nothing when none has any', () => {
    expect(localized({ ru: ' Авария ', en: '  ' })).toEqual({ ru: 'Авария' });
    expect(localized({ ru: 'Авария', en: 'Outage' })).toEqual({ ru: 'Авария', en: 'Outage' });
    expect(localized({ ru: '', en: ' ' })).toBeUndefined();
  });
});

describe(inLang.name, () => {
  it('should pick the language asked for, else the text for all', () => {
    expect(inLang('Авария', { ru: 'Авария', en: 'Outage' }, 'en')).toBe('Outage');
    expect(inLang('Авария', null, 'en')).toBe('Авария');
    expect(inLang(null, null, 'ru')).toBeNull();
  });
});
