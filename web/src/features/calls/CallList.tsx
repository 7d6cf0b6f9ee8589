import { Anchor, Badge, Button, Checkbox, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { CallEntry } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { formatTime, zoneCity } from '../../lib/format';
import { TranslationKey, useI18n } from '../../lib/i18n';
import { useCallList } from './api';
import { callableText } from './callable';
import { LogCallModal } from './LogCallModal';
import { reasonsText } from './reasons';

/** The ranked call list: who to call, why, when they can be called in their own time, and what came of it. */
export function CallList({ incidentId, title }: { incidentId: number; title: string }) {
  const { t, lang } = useI18n();
  const list = useCallList(incidentId);
  const [nowOnly, setNowOnly] = useState(false);
  const [logging, setLogging] = useState<CallEntry | null>(null);
  const rows = (list.data?.pages ?? []).flatMap((p) => p.items).filter((e) => !nowOnly || e.callableNow);

  if (list.error) return <Text c="red" role="alert">{t('error.generic', { message: list.error.message })}</Text>;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('calls.title')}: {title}</Title>
        {list.isFetching && <Loader size="xs" aria-label={t('loading')} />}
      </Group>
      <Checkbox label={t('calls.callableNow')} checked={nowOnly} onChange={(e) => setNowOnly(e.currentTarget.checked)} />
      <DataTable<CallEntry>
        caption={t('calls.title')}
        rows={rows}
        rowKey={(e) => e.subscriberId}
        minWidth={560}
        empty={list.isSuccess ? t('calls.empty') : undefined}
        rowProps={(e) => ({ 'data-called': e.outcome ? 'true' : 'false', style: e.outcome ? { opacity: 0.6 } : undefined })}
        columns={[
          {
            key: 'name', header: t('calls.customer'), cell: (e) => (
              <Stack gap={0}>
                {e.erased
                  // A finished call to someone erased since stays on the list (status=all), without name or number.
                  ? <Text size="sm" fs="italic" c="dimmed">{t('calls.erased')}</Text>
                  : <Text size="sm" fw={600}>{e.name}</Text>}
                {e.outcome && <Badge size="xs" color="green" variant="light" style={{ maxWidth: 'none' }}>{t('calls.called')}: {t(`outcome.${e.outcome}` as TranslationKey)}</Badge>}
                {e.note && <Text size="xs" c="dimmed">{e.note}</Text>}
              </Stack>
            ),
          },
          { key: 'tier', header: t('calls.tier'), cell: (e) => t(`tier.${e.tier}` as TranslationKey) },
          { key: 'reason', header: t('calls.reason'), hiddenOnPhone: true, cell: (e) => <Text size="sm">{reasonsText(e.reasons, lang) || '—'}</Text> },
          { key: 'local', header: t('calls.localTime'), hiddenOnPhone: true, cell: (e) => `${formatTime(new Date().toISOString(), lang, e.timezone)} (${zoneCity(e.timezone, lang)})` },
          { key: 'from', header: t('calls.callableFrom'), cell: (e) => callableText(e, lang) },
          { key: 'phone', header: t('calls.phone'), cell: (e) => (e.phone ? <Anchor href={`tel:${e.phone}`}>{e.phone}</Anchor> : '—') },
          { key: 'log', header: '', cell: (e) => !e.erased && <Button size="xs" variant="light" onClick={() => setLogging(e)} aria-label={`${t('calls.logCall')}: ${e.name}`}>{t('calls.logCall')}</Button> },
        ]}
      />
      {list.hasNextPage && <Button variant="default" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>…</Button>}
      <LogCallModal incidentId={incidentId} entry={logging} onClose={() => setLogging(null)} />
    </Stack>
  );
}
