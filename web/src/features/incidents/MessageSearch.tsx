import { Badge, Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { DataTable } from '../../components/DataTable';
import { formatDateTime } from '../../lib/format';
import { TranslationKey, useI18n } from '../../lib/i18n';

/** A message as GET /v1/subscribers/:id/messages gives it (the document does not type that answer). */
interface Message {
  id: number;
  incidentId: number;
  channel: string;
  kind: string;
  state: string;
  /** null once emptied by retention or erasure */
  recipient: string | null;
  sentAt: string | null;
  createdAt: string;
}
type Found = Message & { subscriber: string };

/** This incident's messages to the customers whose phone or external id (or name) matches. */
export function MessageSearch({ incidentId }: { incidentId: number }) {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  const search = useMutation({
    mutationFn: async (text: string): Promise<Found[]> => {
      const people = unwrap(await api.GET('/v1/subscribers', { params: { query: { q: text, limit: 5 } } })).items;
      const pages = await Promise.all(people.map(async (p) => {
        const page = unwrap(await api.GET('/v1/subscribers/{id}/messages', { params: { path: { id: p.id }, query: { limit: 100 } } })) as unknown as { items: Message[] };
        return page.items.filter((m) => m.incidentId === incidentId).map((m) => ({ ...m, subscriber: p.name }));
      }));
      return pages.flat();
    },
  });

  return (
    <Stack gap="xs">
      <Title order={4}>{t('messages.title')}</Title>
      <form onSubmit={(e) => { e.preventDefault(); if (q.trim()) search.mutate(q.trim()); }}>
        <Group align="flex-end">
          <TextInput label={t('messages.query')} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={320} maw="100%" />
          <Button type="submit" variant="default" loading={search.isPending}>{t('messages.find')}</Button>
        </Group>
      </form>
      {search.error && <Text c="red" role="alert">{search.error.message}</Text>}
      {search.data && (
        <DataTable<Found>
          caption={t('messages.title')}
          rows={search.data}
          rowKey={(m) => m.id}
          empty={t('messages.none')}
          columns={[
            { key: 'who', header: t('calls.customer'), cell: (m) => m.subscriber },
            { key: 'channel', header: t('messages.channel'), cell: (m) => t(`channel.${m.channel}` as TranslationKey) },
            { key: 'kind', header: t('messages.kind'), cell: (m) => m.kind },
            { key: 'to', header: t('messages.to'), hiddenOnPhone: true, cell: (m) => m.recipient },
            { key: 'state', header: t('col.status'), cell: (m) => <Badge variant="light" color={m.state === 'delivered' ? 'green' : m.state === 'accepted' ? 'blue' : 'gray'}>{m.state}</Badge> },
            { key: 'sent', header: t('messages.sent'), cell: (m) => formatDateTime(m.sentAt ?? m.createdAt, lang) },
          ]}
        />
      )}
    </Stack>
  );
}
