import type { IncidentStats } from '../../api/types';
import { Chart } from '../../components/Chart';
import { TranslationKey, useI18n } from '../../lib/i18n';
import { channelProgress } from './progress';

const METRICS = [
  { key: 'delivered', color: '#2f9e44' },
  { key: 'sent', color: '#1c7ed6' },
  { key: 'waiting', color: '#7048e8' },
  { key: 'failed', color: '#e03131' },
] as const;

/** Per channel: delivered, sent (not yet confirmed), waiting for morning, failed. */
export default function DeliveryChart({ stats }: { stats: IncidentStats | undefined }) {
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
        xAxis: { type: 'value' },
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
