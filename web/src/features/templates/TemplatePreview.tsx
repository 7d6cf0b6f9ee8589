import { Badge, Code, Group, Loader, Paper, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { useI18n } from '../../lib/i18n';

type Query = components['schemas']['TemplatePreviewDto'];
const KINDS: Array<Query['kind']> = ['notice', 'etr_change', 'restored', 'summary', 'correction', 'reassurance', 'followup'];

/** A message template rendered for a sample subscriber, with its encoding and SMS segment count. */
export function TemplatePreview() {
  const { t } = useI18n();
  const [kind, setKind] = useState<Query['kind']>('notice');
  const [locale, setLocale] = useState<Query['locale']>('ru');
  const [channel, setChannel] = useState<Query['channel']>('sms');
  const preview = useQuery({
    queryKey: ['template-preview', kind, locale, channel],
    queryFn: async () => unwrap(await api.GET('/v1/templates/preview', { params: { query: { kind, locale, channel } } })),
  });
  const p = preview.data;
  return (
    <Stack maw={800}>
      <Title order={2}>{t('templates.title')}</Title>
      <Group align="flex-end" wrap="wrap">
        <Select label={t('templates.kind')} value={kind} onChange={(v) => v && setKind(v as Query['kind'])} allowDeselect={false}
          data={KINDS.map((k) => ({ value: k, label: k.replace('_', ' ') }))} w={200} />
        <SegmentedControl aria-label={t('templates.locale')} value={locale} onChange={(v) => setLocale(v as Query['locale'])}
          data={[{ value: 'ru', label: 'русский' }, { value: 'en', label: 'English' }]} />
        <SegmentedControl aria-label={t('messages.channel')} value={channel} onChange={(v) => setChannel(v as Query['channel'])}
          data={[{ value: 'sms', label: t('channel.sms') }, { value: 'email', label: t('channel.email') }]} />
      </Group>
      {preview.isLoading && <Loader aria-label={t('loading')} />}
      {preview.error && <Text c="red" role="alert">{preview.error.message}</Text>}
      {p && (
        <Paper withBorder p="md">
          <Stack gap="xs">
            <Group gap="xs" role="status" aria-label={t('templates.size')}>
              <Badge variant="light">{p.encoding.toUpperCase()}</Badge>
              <Badge variant="light" color={p.segments > 1 ? 'orange' : 'green'}>{t('templates.segments', { n: p.segments })}</Badge>
              <Badge variant="light" color="gray">{t('templates.characters', { n: p.characters })}</Badge>
            </Group>
            {p.subject && <Text fw={600}>{p.subject}</Text>}
            <Code block style={{ whiteSpace: 'pre-wrap' }}>{p.text}</Code>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
