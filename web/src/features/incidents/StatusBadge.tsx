import { Badge } from '@mantine/core';
import { TranslationKey, useI18n } from '../../lib/i18n';

const COLOR: Record<string, string> = {
  scheduled: 'gray', investigating: 'red', identified: 'orange', monitoring: 'yellow', resolved: 'green', cancelled: 'gray',
};

// Mantine's Badge clips its label with an ellipsis, which lets a table squeeze the column down to
// "INVESTIG…"; a status must be read whole, so the label keeps its width (the table gives it room).
const WHOLE = { root: { maxWidth: 'none', flexShrink: 0, overflow: 'visible' }, label: { overflow: 'visible', textOverflow: 'clip' } } as const;

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return <Badge color={COLOR[status] ?? 'gray'} variant="light" styles={WHOLE}>{t(`status.${status}` as TranslationKey)}</Badge>;
}
