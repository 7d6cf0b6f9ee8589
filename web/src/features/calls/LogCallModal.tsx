import { Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useForm } from '@mantine/form';
import type { CallEntry } from '../../api/types';
import { pickedToIso } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { Outcome, OUTCOMES, useLogCall } from './api';

export function LogCallModal({ incidentId, entry, onClose }: { incidentId: number; entry: CallEntry | null; onClose: () => void }) {
  const { t } = useI18n();
  const log = useLogCall(incidentId);
  const form = useForm<{ outcome: string | null; note: string; callbackAt: string | null }>({
    initialValues: { outcome: null, note: '', callbackAt: null },
    validate: {
      outcome: (v) => (v ? null : t('calls.outcome')),
      callbackAt: (v, all) => (all.outcome === 'callback_requested' && !v ? t('calls.callbackAt') : null),
    },
  });
  const close = () => {
    form.reset();
    log.reset();
    onClose();
  };
  const submit = form.onSubmit((v) =>
    log.mutate(
      { subscriberId: entry!.subscriberId, outcome: v.outcome as Outcome, note: v.note.trim() || undefined, callbackAt: pickedToIso(v.callbackAt) },
      { onSuccess: close },
    ),
  );
  return (
    <Modal opened={!!entry} onClose={close} title={`${t('calls.logCall')}: ${entry?.name ?? ''}`} centered>
      <form onSubmit={submit}>
        <Stack>
          <Select label={t('calls.outcome')} data={OUTCOMES.map((o) => ({ value: o, label: t(`outcome.${o}`) }))} {...form.getInputProps('outcome')} />
          {form.values.outcome === 'callback_requested' && (
            <DateTimePicker label={t('calls.callbackAt')} valueFormat="DD.MM.YYYY HH:mm" {...form.getInputProps('callbackAt')} />
          )}
          <Textarea label={t('calls.note')} autosize minRows={2} {...form.getInputProps('note')} />
          {log.error && <Text c="red" role="alert">{log.error.message}</Text>}
          <Group justify="flex-end">
            <Button type="submit" loading={log.isPending}>{t('calls.save')}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
