import { Alert, Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import type { IncidentDetail, IncidentStats } from '../../api/types';
import { formatCount, pickedToIso } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { Localized, localized } from '../../lib/localized';
import { LocalizedText } from '../../components/LocalizedText';
import { useAssignManager, useCancelIncident, useOnDutyManagers, useResolveIncident, useUpdateIncident } from './api';
import { audience } from './progress';

type Action = 'etr' | 'status' | 'resolve' | 'cancel' | 'manager';

/** ETR change, status update, resolve, cancel, reassign: each asks first, saying who will hear what. */
export function IncidentActions({ incident }: { incident: IncidentDetail }) {
  const { t, lang } = useI18n();
  const [action, setAction] = useState<Action | null>(null);
  const [opened, { open, close }] = useDisclosure(false);
  const [etr, setEtr] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [messages, setMessages] = useState<Localized>({});
  const update = useUpdateIncident();
  const resolve = useResolveIncident();
  const cancel = useCancelIncident();
  const assign = useAssignManager();
  const [managerId, setManagerId] = useState<string | null>(null);
  const managers = useOnDutyManagers(action === 'manager');
  const busy = update.isPending || resolve.isPending || cancel.isPending || assign.isPending;
  const failure = update.error ?? resolve.error ?? cancel.error ?? assign.error;

  const who = audience(incident.stats as unknown as IncidentStats);
  const n = (x: number) => formatCount(x, lang);
  const start = (a: Action) => {
    update.reset(); resolve.reset(); cancel.reset(); assign.reset();
    setAction(a); setEtr(null); setStatus(null); setText(''); setMessages({}); setManagerId(null);
    open();
  };
  const done = { onSuccess: () => close() };
  const confirm = () => {
    const id = incident.id;
    if (action === 'etr') update.mutate({ id, body: { etr: pickedToIso(etr) ?? null, messages: localized(messages) } }, done);
    if (action === 'status') update.mutate({ id, body: { status: (status ?? undefined) as 'monitoring' | undefined, messages: localized(messages) } }, done);
    if (action === 'resolve') resolve.mutate({ id, body: { messages: localized(messages) } }, done);
    if (action === 'cancel') cancel.mutate({ id, body: { reason: text.trim() } }, done);
    if (action === 'manager' && managerId) assign.mutate({ id, body: { managerId: Number(managerId) } }, done);
  };
  const ready = action === 'etr' ? !!etr : action === 'status' ? !!status : action === 'cancel' ? !!text.trim()
    : action === 'manager' ? !!managerId : true;
  const title = action && { etr: t('incident.etrChange'), status: t('incident.statusUpdate'), resolve: t('incident.resolve'), cancel: t('incident.cancel'),
    manager: t('incident.reassign') }[action];

  return (
    <>
      <Group>
        <Button variant="default" onClick={() => start('etr')}>{t('incident.etrChange')}</Button>
        <Button variant="default" onClick={() => start('status')}>{t('incident.statusUpdate')}</Button>
        <Button color="green" onClick={() => start('resolve')}>{t('incident.resolve')}</Button>
        <Button variant="default" onClick={() => start('manager')}>{t('incident.reassign')}</Button>
        <Button color="gray" variant="outline" onClick={() => start('cancel')}>{t('incident.cancel')}</Button>
      </Group>
      <Modal opened={opened} onClose={close} title={title} centered size="lg">
        <Stack>
          {action === 'etr' && <DateTimePicker label={t('incident.newEtr')} value={etr} onChange={setEtr} valueFormat="DD.MM.YYYY HH:mm" />}
          {action === 'status' && (
            <Select label={t('incident.newStatus')} value={status} onChange={setStatus}
              data={(['investigating', 'identified', 'monitoring'] as const).map((s) => ({ value: s, label: t(`status.${s}`) }))} />
          )}
          {action === 'manager' && (
            <Select label={t('incident.newManager')} value={managerId} onChange={setManagerId} searchable
              data={(managers.data ?? []).filter((m) => m.id !== incident.manager?.id).map((m) => ({ value: String(m.id), label: m.name }))} />
          )}
          {action === 'cancel' && <Textarea label={t('incident.cancelReason')} value={text}
            onChange={(e) => setText(e.currentTarget.value)} autosize minRows={2} required />}
          {(action === 'etr' || action === 'status' || action === 'resolve') && (
            <LocalizedText label={t('incident.message')} multiline value={messages} onChange={setMessages} />
          )}
          <Alert color="blue" title={t('confirm.question')}>
            {action === 'cancel'
              ? t('confirm.tellCorrection', { told: n(who.told) })
              : action === 'resolve'
                ? t('confirm.resolve')
                : action === 'manager'
                  ? t('confirm.reassign')
                : t('confirm.tellNow', { now: n(who.now), later: n(who.later) })}
          </Alert>
          {failure && <Text c="red" role="alert">{failure.message}</Text>}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>{t('incident.back')}</Button>
            <Button onClick={confirm} loading={busy} disabled={!ready}>{t('incident.confirm')}</Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
