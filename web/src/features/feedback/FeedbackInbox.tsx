import { Badge, Group, Loader, Paper, Rating, Select, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { formatDateTime } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { useFeedback } from './api';

/** What subscribers wrote back and how they rated the handling, newest first. */
export function FeedbackInbox() {
  const { t, lang } = useI18n();
  const [incident, setIncident] = useState<string | null>(null);
  const all = useFeedback(undefined);
  const feedback = useFeedback(incident ? Number(incident) : undefined);
  const incidents = new Map((all.data?.items ?? []).filter((f) => f.incidentId).map((f) => [String(f.incidentId), f.incidentCode ?? String(f.incidentId)]));
  const ratings = feedback.data?.ratings;

  return (
    <Stack maw={900}>
      <Title order={2}>{t('feedback.title')}</Title>
      <Select label={t('feedback.incident')} placeholder={t('feedback.allIncidents')} clearable value={incident} onChange={setIncident}
        data={[...incidents].map(([value, label]) => ({ value, label }))} w={260} />
      {ratings && (
        <Group role="status">
          <Text fw={600}>{t('feedback.ratings', { count: ratings.count })}</Text>
          {ratings.average !== null && <><Rating value={ratings.average} fractions={4} readOnly /><Text>{ratings.average.toFixed(2)}</Text></>}
        </Group>
      )}
      {feedback.isLoading && <Loader aria-label={t('loading')} />}
      {feedback.error && <Text c="red" role="alert">{feedback.error.message}</Text>}
      {feedback.data?.items.length === 0 && <Text c="dimmed">{t('feedback.empty')}</Text>}
      <Stack gap="xs" role="list" aria-label={t('feedback.title')}>
        {feedback.data?.items.map((f) => (
          <Paper key={f.id} withBorder p="sm" role="listitem">
            <Group justify="space-between" wrap="wrap" gap="xs">
              <Group gap="xs">
                <Text fw={600} size="sm">{f.subscriberName}</Text>
                {f.incidentCode && <Badge variant="outline" ff="monospace" size="sm">{f.incidentCode}</Badge>}
              </Group>
              <Text size="xs" c="dimmed">{formatDateTime(f.receivedAt, lang)}</Text>
            </Group>
            {f.rating !== null ? <Rating value={f.rating} readOnly mt={4} aria-label={`${f.rating} / 5`} /> : <Text size="sm" mt={4}>{f.text}</Text>}
          </Paper>
        ))}
      </Stack>
    </Stack>
  );
}
