import { Alert, Button, Group, Select, Stack, Title } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { pickedToIso } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { useAreaSearch, useElementSearch } from '../../api/reference';
import { CodePicker } from '../../components/CodePicker';
import { LocalizedText } from '../../components/LocalizedText';
import { Localized, localized } from '../../lib/localized';
import { useDeclareIncident, usePreview } from './api';
import { PreviewCard } from './PreviewCard';
import { fieldErrors } from './field-errors';

interface Values {
  titles: Localized;
  kind: string;
  areaCodes: string[];
  elementCodes: string[];
  etr: string | null;
  publicMessages: Localized;
}

/** The API's field names for what the form holds under other names. */
const API_FIELDS = {
  'scope.areaCodes': 'areaCodes', 'scope.elementCodes': 'elementCodes', scope: 'areaCodes', title: 'titles.ru',
};

export function DeclareForm() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const preview = usePreview();
  const declare = useDeclareIncident();
  const form = useForm<Values>({
    initialValues: { titles: {}, kind: 'outage', areaCodes: [], elementCodes: [], etr: null, publicMessages: {} },
    validate: {
      titles: { ru: (_, all) => (localized(all.titles) ? null : t('declare.titleRequired')) },
      areaCodes: (v, all) => (v.length || all.elementCodes.length ? null : t('declare.scopeRequired')),
    },
  });
  const scope = () => ({ areaCodes: form.values.areaCodes, elementCodes: form.values.elementCodes });
  const errorsOf = (field: 'titles' | 'publicMessages') => ({ ru: form.errors[`${field}.ru`] as string, en: form.errors[`${field}.en`] as string });

  const showApiErrors = (e: unknown) => {
    if (e instanceof ApiError) form.setErrors(fieldErrors(e, API_FIELDS));
  };

  const onPreview = () => {
    if (form.validateField('areaCodes').hasError) return;
    preview.mutate(scope(), { onError: showApiErrors });
  };

  const onDeclare = form.onSubmit((v) =>
    declare.mutate(
      {
        titles: localized(v.titles), kind: v.kind as 'outage', scope: scope(), etr: pickedToIso(v.etr),
        publicMessages: localized(v.publicMessages),
      },
      { onSuccess: (incident) => navigate(`/incidents/${incident.id}`), onError: showApiErrors },
    ),
  );

  const failure = declare.error ?? preview.error;
  return (
    <form onSubmit={onDeclare}>
      <Stack maw={760}>
        <Title order={2}>{t('declare.title')}</Title>
        <LocalizedText label={t('declare.incidentTitle')} value={form.values.titles} onChange={(v) => form.setFieldValue('titles', v)}
          errors={errorsOf('titles')} />
        <Select
          label={t('declare.kind')}
          data={(['outage', 'degradation', 'maintenance'] as const).map((k) => ({ value: k, label: t(`kind.${k}`) }))}
          allowDeselect={false}
          {...form.getInputProps('kind')}
        />
        <CodePicker label={t('declare.areas')} placeholder={t('declare.searchHint')} useSearch={useAreaSearch}
          value={form.values.areaCodes} onChange={(v) => form.setFieldValue('areaCodes', v)} error={form.errors.areaCodes} />
        <CodePicker label={t('declare.elements')} placeholder={t('declare.searchHint')} useSearch={useElementSearch}
          value={form.values.elementCodes} onChange={(v) => form.setFieldValue('elementCodes', v)} error={form.errors.elementCodes} />
        <DateTimePicker label={t('declare.etr')} clearable valueFormat="DD.MM.YYYY HH:mm" {...form.getInputProps('etr')} />
        <LocalizedText label={t('declare.message')} multiline value={form.values.publicMessages}
          onChange={(v) => form.setFieldValue('publicMessages', v)}
          errors={errorsOf('publicMessages')} />
        {failure && <Alert color="red" role="alert">{failure.message}</Alert>}
        <Group>
          <Button variant="default" onClick={onPreview} loading={preview.isPending}>{t('declare.preview')}</Button>
          <Button type="submit" color="red" loading={declare.isPending}>{t('declare.submit')}</Button>
        </Group>
        {preview.data && <PreviewCard preview={preview.data} />}
      </Stack>
    </form>
  );
}
