import { Badge } from '@mantine/core';
import { TranslationKey, useI18n } from '../../lib/i18n';

const COLOR: Record<string, string> = {
  scheduled: 'gray', investigating: 'red', identified: 'orange', monitoring: 'yellow', resolved: 'green', cancelled: 'gray',
};

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return <Badge color={COLOR[status] ?? 'gray'} variant="light" style={{ maxWidth: 'none', flexShrink: 0 }}>{t(`status.${status}` as TranslationKey)}</Badge>;
}
