import { Alert, Button, Group, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { ApiError } from '../../api/client';
import { useAreaSearch } from '../../api/reference';
import { CodePicker } from '../../components/CodePicker';
import { DataTable } from '../../components/DataTable';
import { useI18n } from '../../lib/i18n';
import { OutageManager, useCreateManager, useManagers, usePatchManager } from './api';

/** Outage managers: on / off duty for NOC and admins; creating one for admins. */
export function Managers({ canCreate }: { canCreate: boolean }) {
  const { t } = useI18n();
  const managers = useManagers();
  const patch = usePatchManager();
  const create = useCreateManager();
  const form = useForm({
    initialValues: { name: '', phone: '', email: '', areaCodes: [] as string[] },
    validate: { name: (v) => (v.trim() ? null : t('staff.required')), areaCodes: (v) => (v.length ? null : t('staff.required')) },
  });
  const submit = form.onSubmit((v) =>
    create.mutate({ ...v, name: v.name.trim() }, {
      onSuccess: () => form.reset(),
      onError: (e) => e instanceof ApiError && form.setErrors(Object.fromEntries(e.details.filter((d) => d.field).map((d) => [d.field!, d.message]))),
    }),
  );

  return (
    <Stack maw={1000}>
      <Title order={2}>{t('staff.title')}</Title>
      <DataTable<OutageManager>
        caption={t('staff.title')}
        rows={managers.data ?? []}
        rowKey={(m) => m.id}
        columns={[
          { key: 'name', header: t('keys.name'), cell: (m) => <Text size="sm" fw={600}>{m.name}</Text> },
          { key: 'phone', header: t('calls.phone'), cell: (m) => m.phone },
          { key: 'areas', header: t('declare.areas'), cell: (m) => m.areaCodes.join(', ') },
          {
            key: 'duty', header: t('staff.onDuty'), cell: (m) => (
              <Switch checked={m.onDuty} aria-label={`${t('staff.onDuty')}: ${m.name}`} disabled={patch.isPending}
                onChange={(e) => patch.mutate({ id: m.id, body: { onDuty: e.currentTarget.checked } })} />
            ),
          },
        ]}
      />
      {patch.error && <Alert color="red" role="alert">{patch.error.message}</Alert>}
      {canCreate && (
        <form onSubmit={submit}>
          <Stack maw={560}>
            <Title order={4}>{t('staff.create')}</Title>
            <TextInput label={t('keys.name')} {...form.getInputProps('name')} />
            <TextInput label={t('calls.phone')} {...form.getInputProps('phone')} />
            <TextInput label={t('staff.email')} {...form.getInputProps('email')} />
            <CodePicker label={t('declare.areas')} placeholder={t('declare.searchHint')} useSearch={useAreaSearch}
              value={form.values.areaCodes} onChange={(v) => form.setFieldValue('areaCodes', v)} error={form.errors.areaCodes} />
            {create.error && <Alert color="red" role="alert">{create.error.message}</Alert>}
            <Group><Button type="submit" loading={create.isPending}>{t('staff.create')}</Button></Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
