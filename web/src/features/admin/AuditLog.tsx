import { Alert, Anchor, Badge, Button, Code, Group, Loader, NumberInput, Select, Stack, Text, Title } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { Fragment, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { AuditEntry } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { formatInstant, zoneCity } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { useApiKeys, useAuditLog } from './api';
import { filterFromSearch, filterToForm, formToFilter, rangeError, searchOf, statusColor, type AuditForm } from './audit-filter';

/** Ids shown in a cell before "+N more": a call list read touches hundreds of subscribers. */
const IDS_SHOWN = 6;

/** Who read customers' data or changed something: filter by key, incident, subscriber and time; "Load more" pages by cursor. */
export function AuditLog() {
  const { t, lang } = useI18n();
  const [search, setSearch] = useSearchParams();
  const filter = filterFromSearch(search);
  const log = useAuditLog(filter);
  const keys = useApiKeys();
  const form = useForm<AuditForm>({
    initialValues: filterToForm(filter),
    validate: (v) => (rangeError(v) ? { to: t('audit.toAfterFrom') } : {}),
  });
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];
  const zone = zoneCity(Intl.DateTimeFormat().resolvedOptions().timeZone, lang);

  const apply = (next: AuditForm) => setSearch(searchOf(formToFilter(next)));
  const clear = () => setSearch(new URLSearchParams());
  // The form follows the address: a subscriber's link, Back and Clear change both.
  const address = search.toString();
  useEffect(() => form.setValues(filterToForm(filterFromSearch(new URLSearchParams(address)))), [address]);

  return (
    <Stack maw={1200}>
      <Title order={2}>{t('audit.title')}</Title>
      <Text size="sm" c="dimmed">{t('audit.intro')}</Text>
      <form onSubmit={form.onSubmit(apply)} role="search" aria-label={t('audit.filters')}>
        <Group align="flex-start" gap="sm">
          <Select label={t('audit.key')} placeholder={t('audit.allKeys')} clearable searchable w={220} maw="100%"
            data={(keys.data ?? []).map((k) => ({ value: String(k.id), label: `${k.name} (#${k.id})` }))} {...form.getInputProps('keyId')} />
          <NumberInput label={t('audit.incidentId')} min={1} allowDecimal={false} allowNegative={false} w={140} {...form.getInputProps('incidentId')} />
          <NumberInput label={t('audit.subscriberId')} min={1} allowDecimal={false} allowNegative={false} w={140} {...form.getInputProps('subscriberId')} />
          <DateTimePicker label={t('audit.from')} clearable valueFormat="DD.MM.YYYY HH:mm" w={200} maw="100%" {...form.getInputProps('from')} />
          <DateTimePicker label={t('audit.to')} clearable valueFormat="DD.MM.YYYY HH:mm" w={200} maw="100%" {...form.getInputProps('to')} />
        </Group>
        <Group gap="xs" mt="sm">
          <Button type="submit">{t('audit.show')}</Button>
          <Button variant="default" onClick={clear}>{t('audit.clear')}</Button>
        </Group>
      </form>
      {log.error && <Alert color="red" role="alert">{log.error.message}</Alert>}
      {log.isLoading ? <Loader aria-label={t('loading')} /> : (
        <DataTable<AuditEntry>
          caption={t('audit.title')}
          rows={rows}
          rowKey={(r) => r.id}
          empty={t('audit.empty')}
          minWidth={980}
          columns={[
            { key: 'at', header: t('audit.time', { zone }), cell: (r) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatInstant(r.at, lang)}</Text> },
            {
              key: 'key', header: t('audit.key'), cell: (r) => (
                <Stack gap={0}>
                  <Text size="sm">{r.keyName ?? t('audit.unknownKey')} <Text span size="xs" c="dimmed">#{r.keyId}</Text></Text>
                  <Text size="xs" c="dimmed">{t(`role.${r.role}`)}</Text>
                </Stack>
              ),
            },
            { key: 'request', header: t('audit.request'), cell: (r) => <Code style={{ whiteSpace: 'normal' }}>{r.method} <Route path={r.route} /></Code> },
            { key: 'status', header: t('audit.status'), cell: (r) => <Badge variant="light" color={statusColor(r.status)}>{r.status}</Badge> },
            {
              key: 'incidents', header: t('audit.incidents'), cell: (r) => (
                <Ids ids={r.incidentIds} link={(id) => <Anchor component={Link} to={`/incidents/${id}`} size="sm">{id}</Anchor>} />
              ),
            },
            {
              key: 'subscribers', header: t('audit.subscribers'), cell: (r) => (
                <Ids ids={r.subscriberIds} link={(id) => (
                  <Anchor component={Link} to={`?${searchOf({ subscriberId: id })}`} size="sm" aria-label={t('audit.bySubscriber', { id })}
                    title={t('audit.bySubscriber', { id })}>{id}</Anchor>
                )} />
              ),
            },
          ]}
        />
      )}
      {log.hasNextPage && (
        <Group>
          <Button variant="default" onClick={() => log.fetchNextPage()} loading={log.isFetchingNextPage}>{t('audit.loadMore')}</Button>
        </Group>
      )}
    </Stack>
  );
}

/** A route that may wrap after each "/" on a phone, never inside a word. */
function Route({ path }: { path: string }) {
  return <>{path.split(/(?<=\/)/).map((part, i) => <Fragment key={i}>{part}<wbr /></Fragment>)}</>;
}

/** A few ids as links, the rest behind "+N more". */
function Ids({ ids, link }: { ids: number[]; link: (id: number) => React.ReactNode }) {
  const { t } = useI18n();
  const [all, setAll] = useState(false);
  if (ids.length === 0) return <Text size="sm" c="dimmed">—</Text>;
  const shown = all ? ids : ids.slice(0, IDS_SHOWN);
  return (
    <Text size="sm" component="div">
      {shown.map((id, i) => <Fragment key={id}>{i > 0 && ', '}{link(id)}</Fragment>)}
      {shown.length < ids.length && (
        <>{' '}<Anchor component="button" type="button" size="sm" onClick={() => setAll(true)}>{t('audit.more', { n: ids.length - shown.length })}</Anchor></>
      )}
    </Text>
  );
}
