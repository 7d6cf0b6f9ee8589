import { Anchor, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { Incident, IncidentStats } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { formatCount, formatDateTime } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { inLang } from '../../lib/localized';
import { useIncidentDetails, useOpenIncidents } from './api';
import { audience } from './progress';
import { CountsAge } from './CountsAge';
import { ProgressCell } from './ProgressCell';
import { StatusBadge } from './StatusBadge';

/** Open incidents with live per-channel progress (polled; the counts can be some seconds old: `countsAt` says when they were counted). */
export function Board({ title, managerId }: { title: string; managerId?: number }) {
  const { t, lang } = useI18n();
  const list = useOpenIncidents({ managerId });
  const details = useIncidentDetails(list.data?.items);
  const statsOf = new Map(details.map((d) => [d.data?.id, d.data?.stats as unknown as IncidentStats | undefined]));

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{title}</Title>
        {list.isFetching && <Loader size="xs" aria-label={t('loading')} />}
      </Group>
      {list.error && <Text c="red" role="alert">{t('error.generic', { message: list.error.message })}</Text>}
      <DataTable<Incident>
        caption={title}
        rows={list.data?.items ?? []}
        rowKey={(i) => i.id}
        minWidth={640}
        empty={list.isSuccess ? t('board.empty') : undefined}
        columns={[
          { key: 'code', header: t('col.code'), cell: (i) => <Anchor component={Link} to={`/incidents/${i.id}`} ff="monospace">{i.code}</Anchor> },
          { key: 'title', header: t('col.title'), cell: (i) => <Text size="sm" maw={260}>{inLang(i.title, i.titles, lang)}</Text> },
          { key: 'status', header: t('col.status'), cell: (i) => <StatusBadge status={i.status} /> },
          { key: 'manager', header: t('col.manager'), hiddenOnPhone: true, cell: (i) => i.manager?.name ?? <Text c="orange" size="sm">{t('unassigned')}</Text> },
          { key: 'affected', header: t('col.affected'), cell: (i) => <span data-testid="affected">{formatCount(statsOf.get(i.id)?.affected ?? i.affected, lang)}</span> },
          { key: 'awake', header: t('col.awake'), cell: (i) => <AwakeAsleep stats={statsOf.get(i.id)} /> },
          {
            key: 'progress', header: t('col.progress'),
            cell: (i) => <Stack gap={2}><ProgressCell stats={statsOf.get(i.id)} /><CountsAge countsAt={statsOf.get(i.id)?.countsAt} /></Stack>,
          },
          { key: 'etr', header: t('col.etr'), hiddenOnPhone: true, cell: (i) => formatDateTime(i.etr, lang) },
        ]}
      />
    </Stack>
  );
}

/** Affected now awake (told at once) and asleep (told at their morning), from the counts the board already has. */
function AwakeAsleep({ stats }: { stats: IncidentStats | undefined }) {
  const { t, lang } = useI18n();
  if (!stats) return <Text size="sm" c="dimmed">…</Text>;
  const { now, later } = audience(stats);
  return (
    <Stack gap={0}>
      {([['awake', now], ['asleep', later]] as const).map(([k, n]) => (
        <Text key={k} size="xs" c={k === 'asleep' && n ? 'indigo' : undefined}>
          <span aria-label={t(`board.${k}`)} data-metric={k}>{formatCount(n, lang)}</span>{' '}
          <Text span size="xs" c="dimmed">{t(`board.${k}`)}</Text>
        </Text>
      ))}
    </Stack>
  );
}
