import { Stack, Text } from '@mantine/core';
import type { IncidentProgress, IncidentStats } from '../../api/types';
import { Chart } from '../../components/Chart';
import { formatTime } from '../../lib/format';
import { TranslationKey, useI18n } from '../../lib/i18n';
import { cumulative } from './over-time';
import { channelProgress } from './progress';

const METRICS = [
  { key: 'delivered', color: '#2f9e44' },
  { key: 'sent', color: '#1c7ed6' },
  { key: 'waiting', color: '#7048e8' },
  { key: 'failed', color: '#e03131' },
] as const;

/** Per channel: delivered, sent (not yet confirmed), waiting for morning, failed. */
function NowChart({ stats }: { stats: IncidentStats | undefined }) {
  const { t } = useI18n();
  const rows = channelProgress(stats);
  const label = rows.map((r) => `${t(`channel.${r.channel}` as TranslationKey)}: ${METRICS.map((m) => `${r[m.key]} ${t(`progress.${m.key}`)}`).join(', ')}`).join('; ');
  return (
    <Chart
      label={label || t('incident.delivery')}
      height={60 + rows.length * 50}
      option={{
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        legend: { top: 0 },
        grid: { left: 60, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', data: rows.map((r) => t(`channel.${r.channel}` as TranslationKey)) },
        series: METRICS.map((m) => ({
          name: t(`progress.${m.key}`),
          type: 'bar',
          stack: 'all',
          color: m.color,
          // "sent" stacks what is sent but neither delivered nor failed yet.
          data: rows.map((r) => (m.key === 'sent' ? Math.max(0, r.sent - r.delivered - r.failed) : r[m.key])),
        })),
      }}
    />
  );
}

const LINE = { sms: '#1c7ed6', email: '#f08c00' } as Record<string, string>;

/** Running totals sent and delivered per channel since the incident began. */
function OverTimeChart({ progress, startedAt }: { progress: IncidentProgress; startedAt: string }) {
  const { t, lang } = useI18n();
  const series = cumulative(progress, startedAt);
  if (series.length === 0) return null;
  return (
    <Chart
      label={t('incident.overTime')}
      option={{
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 32, bottom: 24 },
        xAxis: { type: 'time', min: 'dataMin', max: 'dataMax', minInterval: 60_000, axisLabel: { formatter: (v: number) => formatTime(new Date(v).toISOString(), lang) } },
        yAxis: { type: 'value', minInterval: 1 },
        series: series.flatMap((s) => [
          { name: `${t(`channel.${s.channel}` as TranslationKey)} ${t('progress.sent')}`, type: 'line' as const, step: 'end' as const,
            showSymbol: false, color: LINE[s.channel], data: s.sent },
          { name: `${t(`channel.${s.channel}` as TranslationKey)} ${t('progress.delivered')}`, type: 'line' as const, step: 'end' as const,
            showSymbol: false, color: LINE[s.channel], lineStyle: { type: 'dashed' as const }, data: s.delivered },
        ]),
      }}
    />
  );
}

/** How many of those waiting for their morning will be told in each quarter hour (viewer's time). */
function WakingChart({ progress }: { progress: IncidentProgress }) {
  const { t, lang } = useI18n();
  if (progress.waking.length === 0) return null;
  const labels = progress.waking.map((w) => formatTime(w.at, lang));
  return (
    <Chart
      label={`${t('incident.waking')}: ${progress.waking.map((w, i) => `${labels[i]} ${w.count}`).join(', ')}`}
      height={200}
      option={{
        tooltip: { trigger: 'axis' },
        grid: { left: 48, right: 16, top: 16, bottom: 24 },
        xAxis: { type: 'category', data: labels },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ name: t('progress.waiting'), type: 'bar', color: '#7048e8', data: progress.waking.map((w) => w.count) }],
      }}
    />
  );
}

/** The incident page's charts: now by channel, over time, and the morning to come. Loaded lazily (ECharts). */
export default function DeliveryCharts(props: { stats: IncidentStats | undefined; progress: IncidentProgress | undefined; startedAt: string }) {
  const { stats, progress, startedAt } = props;
  const { t } = useI18n();
  return (
    <Stack gap="xs">
      <NowChart stats={stats} />
      {progress && progress.points.length > 0 && <Text size="sm" fw={600}>{t('incident.overTime')}</Text>}
      {progress && <OverTimeChart progress={progress} startedAt={startedAt} />}
      {progress && progress.waking.length > 0 && <Text size="sm" fw={600}>{t('incident.waking')}</Text>}
      {progress && <WakingChart progress={progress} />}
    </Stack>
  );
}
