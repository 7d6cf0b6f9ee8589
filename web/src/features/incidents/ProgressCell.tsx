import { Group, Stack, Text, Tooltip } from '@mantine/core';
import type { IncidentStats } from '../../api/types';
import { TranslationKey, useI18n } from '../../lib/i18n';
import { formatCount } from '../../lib/format';
import { channelProgress } from './progress';

/** Per channel: sent, waiting for morning, delivered, failed — each labelled for screen readers. */
export function ProgressCell({ stats }: { stats: IncidentStats | undefined }) {
  const { t, lang } = useI18n();
  const rows = channelProgress(stats);
  if (!stats) return <Text size="sm" c="dimmed">…</Text>;
  if (rows.length === 0) return <Text size="sm" c="dimmed">—</Text>;
  return (
    <Stack gap={2}>
      {rows.map((r) => (
        <Group key={r.channel} gap={8} wrap="wrap" aria-label={t(`channel.${r.channel}` as TranslationKey)} role="group">
          <Text size="xs" fw={600} w={44}>{t(`channel.${r.channel}` as TranslationKey)}</Text>
          {(['sent', 'waiting', 'delivered', 'failed'] as const).map((k) => (
            <Tooltip key={k} label={t(`progress.${k}`)}>
              <Text size="xs" c={k === 'failed' && r.failed ? 'red' : k === 'waiting' ? 'indigo' : undefined} data-metric={k}>
                <span aria-label={t(`progress.${k}`)}>{formatCount(r[k], lang)}</span>{' '}
                <Text span size="xs" c="dimmed">{t(`progress.${k}`)}</Text>
              </Text>
            </Tooltip>
          ))}
        </Group>
      ))}
    </Stack>
  );
}
