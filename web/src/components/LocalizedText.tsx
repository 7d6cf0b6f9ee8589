import { SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useI18n } from '../lib/i18n';
import type { Localized } from '../lib/localized';

/**
 * One text in Russian and in English, side by side (stacked on a phone): each subscriber gets
 * theirs; a language left empty gets the other's.
 */
export function LocalizedText({ label, value, onChange, errors = {}, multiline }: {
  label: string;
  value: Localized;
  onChange: (v: Localized) => void;
  errors?: Localized;
  multiline?: boolean;
}) {
  const { t } = useI18n();
  const Field = multiline ? Textarea : TextInput;
  return (
    <Stack gap={4}>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {(['ru', 'en'] as const).map((lang) => (
          <Field
            key={lang}
            label={t(lang === 'ru' ? 'text.inRussian' : 'text.inEnglish', { label })}
            value={value[lang] ?? ''}
            onChange={(e) => onChange({ ...value, [lang]: e.currentTarget.value })}
            error={errors[lang]}
            {...(multiline ? { autosize: true, minRows: 2 } : {})}
          />
        ))}
      </SimpleGrid>
      <Text size="xs" c="dimmed">{t('text.otherLanguage')}</Text>
    </Stack>
  );
}
