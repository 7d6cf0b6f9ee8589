import { Alert, Button, Group, Select, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { pickedToIso } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { useAreaSearch, useElementSearch } from '../../api/reference';
import { CodePicker } from '../../components/CodePicker';
import { useDeclareIncident, usePreview } from './api';
import { PreviewCard } from './PreviewCard';
import { fieldErrors } from './field-errors';

interface Values {
  title: string;
  kind: string;
  areaCodes: string[];
  elementCodes: string[];
  etr: string | null;
  publicMessage: string;
}

export function DeclareForm() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const preview = usePreview();
  const declare = useDeclareIncident();
  const form = useForm<Values>({
    initialValues: { title: '', kind: 'outage', areaCodes: [], elementCodes: [], etr: null, publicMessage: '' },
    validate: {
      title: (v) => (v.trim() ? null : t('declare.titleRequired')),
      areaCodes: (v, all) => (v.length || all.elementCodes.length ? null : t('declare.scopeRequired')),
    },
  });
  const scope = () => ({ areaCodes: form.values.areaCodes, elementCodes: form.values.elementCodes });

  const showApiErrors = (e: unknown) => {
    if (e instanceof ApiError) form.setErrors(fieldErrors(e, { 'scope.areaCodes': 'areaCodes', 'scope.elementCodes': 'elementCodes', scope: 'areaCodes' }));
  };

  const onPreview = () => {
    if (form.validateField('areaCodes').hasError) return;
    preview.mutate(scope(), { onError: showApiErrors });
  };

  const onDeclare = form.onSubmit((v) =>
    declare.mutate(
      { title: v.title.trim(), kind: v.kind as 'outage', scope: scope(), etr: pickedToIso(v.etr), publicMessage: v.publicMessage.trim() || undefined },
      { onSuccess: (incident) => navigate(`/incidents/${incident.id}`), onError: showApiErrors },
    ),
  );

  const failure = declare.error ?? preview.error;
  return (
    <form onSubmit={onDeclare}>
      <Stack maw={760}>
        <Title order={2}>{t('declare.title')}</Title>
        <TextInput label={t('declare.incidentTitle')} required {...form.getInputProps('title')} />
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
        <Textarea label={t('declare.message')} autosize minRows={2} {...form.getInputProps('publicMessage')} />
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
