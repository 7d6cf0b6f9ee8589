import { Alert, Badge, Button, Code, CopyButton, Group, NumberInput, Select, Stack, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { ApiKey, Role } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { formatDateTime } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from './api';

/** Create (the key shown once, with copy), list, revoke. */
export function ApiKeys() {
  const { t, lang } = useI18n();
  const keys = useApiKeys();
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const form = useForm<{ name: string; role: Role; managerId: number | string }>({
    initialValues: { name: '', role: 'noc', managerId: '' },
    validate: { name: (v) => (v.trim() ? null : t('keys.name')) },
  });
  const submit = form.onSubmit((v) =>
    create.mutate({ name: v.name.trim(), role: v.role, managerId: v.role === 'manager' && v.managerId !== '' ? Number(v.managerId) : undefined }),
  );

  return (
    <Stack maw={1000}>
      <Title order={2}>{t('keys.title')}</Title>
      <form onSubmit={submit}>
        <Group align="flex-end">
          <TextInput label={t('keys.name')} {...form.getInputProps('name')} />
          <Select label={t('keys.role')} allowDeselect={false} data={(['noc', 'manager', 'admin'] as const).map((r) => ({ value: r, label: t(`role.${r}`) }))} {...form.getInputProps('role')} />
          {form.values.role === 'manager' && <NumberInput label={t('keys.managerId')} min={1} {...form.getInputProps('managerId')} />}
          <Button type="submit" loading={create.isPending}>{t('keys.create')}</Button>
        </Group>
      </form>
      {create.error && <Alert color="red" role="alert">{create.error.message}</Alert>}
      {create.data && (
        <Alert color="green" title={t('keys.created')}>
          <Group>
            <Code aria-label={t('keys.created')}>{create.data.key}</Code>
            <CopyButton value={create.data.key}>
              {({ copied, copy }) => <Button size="xs" variant="light" onClick={copy}>{copied ? t('keys.copied') : t('keys.copy')}</Button>}
            </CopyButton>
          </Group>
        </Alert>
      )}
      <DataTable<ApiKey>
        caption={t('keys.title')}
        rows={keys.data ?? []}
        rowKey={(k) => k.id}
        columns={[
          { key: 'name', header: t('keys.name'), cell: (k) => k.name },
          { key: 'role', header: t('keys.role'), cell: (k) => t(`role.${k.role}`) },
          { key: 'created', header: t('keys.createdAt'), hiddenOnPhone: true, cell: (k) => formatDateTime(k.createdAt, lang) },
          { key: 'used', header: t('keys.lastUsed'), hiddenOnPhone: true, cell: (k) => (k.lastUsedAt ? formatDateTime(k.lastUsedAt, lang) : t('never')) },
          {
            key: 'revoke', header: '', cell: (k) => k.revokedAt
              ? <Badge color="gray">{t('keys.revoked')}</Badge>
              : <Button size="xs" color="red" variant="subtle" aria-label={`${t('keys.revoke')}: ${k.name}`}
                  onClick={() => window.confirm(t('keys.revokeConfirm', { name: k.name })) && revoke.mutate(k.id)}>{t('keys.revoke')}</Button>,
          },
        ]}
      />
      {revoke.error && <Alert color="red" role="alert">{revoke.error.message}</Alert>}
    </Stack>
  );
}
