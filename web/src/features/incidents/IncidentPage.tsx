import { Anchor, Badge, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { lazy, Suspense, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { IncidentStats } from '../../api/types';
import { formatCount, formatDateTime, formatTime } from '../../lib/format';
import { TranslationKey, useI18n } from '../../lib/i18n';
import { inLang } from '../../lib/localized';
import { useIncident, useIncidentProgress } from './api';
import { CountsAge } from './CountsAge';
import { ProgressCell } from './ProgressCell';
import { StatusBadge } from './StatusBadge';
import { Timeline } from './Timeline';

// The chart library is the biggest script of the console: it comes after the page shows.
const DeliveryChart = lazy(() => import('./DeliveryChart'));

/** One incident: its facts, live delivery, the timeline; actions come from the route (by role). */
export function IncidentPage({ id, actions, tools }: { id: number; actions?: ReactNode; tools?: ReactNode }) {
  const { t, lang } = useI18n();
  const incident = useIncident(id);
  const progress = useIncidentProgress(id);
  if (incident.error) return <Text c="red" role="alert">{t('error.generic', { message: incident.error.message })}</Text>;
  if (!incident.data) return <Loader aria-label={t('loading')} />;
  const i = incident.data;
  const stats = i.stats as unknown as IncidentStats;
  const open = i.status !== 'resolved' && i.status !== 'cancelled';

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="xs">
            <Badge variant="outline" ff="monospace">{i.code}</Badge>
            <StatusBadge status={i.status} />
            <Badge variant="light" color="gray">{t(`kind.${i.kind}` as TranslationKey)}</Badge>
          </Group>
          <Title order={2}>{inLang(i.title, i.titles, lang)}</Title>
        </Stack>
        <Group>
          <Anchor component={Link} to={`/incidents/${i.id}/calls`}>{t('incident.callList')}</Anchor>
          <Anchor href={`/status/${i.code}/${lang}`} target="_blank" rel="noreferrer">{t('incident.statusPage')}</Anchor>
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Fact label={t('col.affected')} value={formatCount(stats.affected ?? i.affected, lang)} />
        <Fact label={t('col.manager')} value={i.manager?.name ?? t('unassigned')} />
        <Fact label={t('col.started')} value={formatDateTime(i.startedAt, lang)} />
        <Fact label={t('col.etr')} value={formatDateTime(i.etr, lang)} />
      </SimpleGrid>
      {open && actions}
      <Paper withBorder p="md">
        <Stack>
          <Title order={4}>{t('incident.delivery')}</Title>
          <ProgressCell stats={stats} />
          <Suspense fallback={<Loader size="sm" aria-label={t('loading')} />}>
            <DeliveryChart stats={stats} progress={progress.data} startedAt={i.startedAt} />
          </Suspense>
          {stats.countsAt && (
            <Group gap="xs">
              <Text size="xs" c="dimmed">{t('board.updated', { time: formatTime(stats.countsAt, lang, undefined, true) })}</Text>
              <CountsAge countsAt={stats.countsAt} />
            </Group>
          )}
        </Stack>
      </Paper>
      {tools && <Paper withBorder p="md">{tools}</Paper>}
      <Paper withBorder p="md">
        <Title order={4} mb="sm">{t('incident.timeline')}</Title>
        <Timeline entries={i.timeline} />
      </Paper>
    </Stack>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">{label}</Text>
      <Text fw={600}>{value}</Text>
    </Stack>
  );
}
