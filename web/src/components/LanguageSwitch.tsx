import { SegmentedControl } from '@mantine/core';
import { Lang, useI18n } from '../lib/i18n';

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <SegmentedControl
      aria-label={t('lang.switch')}
      size="xs"
      value={lang}
      onChange={(v) => setLang(v as Lang)}
      data={[{ value: 'ru', label: 'RU' }, { value: 'en', label: 'EN' }]}
    />
  );
}
