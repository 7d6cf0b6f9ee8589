import { Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { Preview } from '../../api/types';
import { formatCount } from '../../lib/format';
import { TranslationKey, useI18n } from '../../lib/i18n';

/** What POST /v1/incidents/preview says, before anything is committed. */
export function PreviewCard({ preview }: { preview: Preview }) {
  const { t, lang } = useI18n();
  const n = (x: number) => formatCount(x, lang);
  return (
    <Paper withBorder p="md" aria-label={t('declare.preview')} role="region">
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Stat label={t('preview.affected')} value={n(preview.affected)} />
          <Stat label={t('preview.awake')} value={n(preview.affected - preview.inQuietHoursNow)} />
          <Stat label={t('preview.asleep')} value={n(preview.inQuietHoursNow)} />
        </SimpleGrid>
        <Group align="flex-start" grow wrap="wrap">
          <Stack gap={4} miw={200}>
            <Title order={5}>{t('preview.byTier')}</Title>
            <Table aria-label={t('preview.byTier')}>
              <Table.Tbody>
                {Object.entries(preview.byTier).map(([tier, count]) => (
                  <Table.Tr key={tier}><Table.Td>{t(`tier.${tier}` as TranslationKey)}</Table.Td><Table.Td ta="right">{n(count)}</Table.Td></Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
          <Stack gap={4} miw={200}>
            <Title order={5}>{t('preview.byArea')}</Title>
            <Table aria-label={t('preview.byArea')}>
              <Table.Tbody>
                {preview.byArea.slice(0, 10).map((a) => (
                  <Table.Tr key={a.code}><Table.Td>{a.name} <Text span c="dimmed" size="xs">{a.code}</Text></Table.Td><Table.Td ta="right">{n(a.count)}</Table.Td></Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        </Group>
      </Stack>
    </Paper>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">{label}</Text>
      <Text size="xl" fw={700} aria-label={label}>{value}</Text>
    </Stack>
  );
}
