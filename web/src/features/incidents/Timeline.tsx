import { Badge, Text, Timeline as MantineTimeline } from '@mantine/core';
import type { IncidentDetail } from '../../api/types';
import { formatDateTime } from '../../lib/format';
import { TranslationKey, useI18n } from '../../lib/i18n';
import { inLang } from '../../lib/localized';

export function Timeline({ entries }: { entries: IncidentDetail['timeline'] }) {
  const { t, lang } = useI18n();
  return (
    <MantineTimeline active={entries.length - 1} bulletSize={14} lineWidth={2}>
      {entries.map((e, i) => (
        <MantineTimeline.Item key={i} title={<>{t(`event.${e.type}`)} {e.status && <Badge size="xs" variant="light">{t(`status.${e.status}` as TranslationKey)}</Badge>}</>}>
          <Text size="xs" c="dimmed">{formatDateTime(e.at, lang)} · {e.actor}</Text>
          {e.etr && <Text size="sm">{t('col.etr')}: {formatDateTime(e.etr, lang)}</Text>}
          {e.message && <Text size="sm">{inLang(e.message, e.messages, lang)}</Text>}
        </MantineTimeline.Item>
      ))}
    </MantineTimeline>
  );
}
