import { INestApplicationContext } from '@nestjs/common';
import { receiptsCounter } from '../../src/inbound/inbound.metrics';
import { ChannelPort, SMS_CHANNEL } from '../../src/notifications/channel.port';
import { SmscSimulator } from '../../src/peers/smsc-simulator/smsc-simulator';
import { TestApi } from '../support/api';
import { SmppStack, startSmppStack, waitOverSmpp as waitFor } from '../support/smpp-stack';
import { SubscriberKey, SUBSCRIBERS } from '../support/topology';

/**
 * Receipts and replies over real TCP: the api, and a worker whose SMS channel is the real SMPP
 * adapter bound to the local SMSC simulator (receipts per part, MO injected by the simulator).
 */

const NOW = '2026-11-24T07:00:00Z'; // 14:00 in Novosibirsk
const digits = (k: SubscriberKey) => SUBSCRIBERS[k].phone.slice(1);

describe('receipts and replies over SMPP', () => {
  let sim: SmscSimulator;
  let api: TestApi;
  let worker: INestApplicationContext;
  let ids: Record<SubscriberKey, number>;
  let stack: SmppStack | undefined;

  const toHandset = (k: SubscriberKey) => sim.messages().filter((m) => m.to === digits(k));

  beforeAll(async () => {
    stack = await startSmppStack(NOW, {
      sim: { receipts: { delayMs: 30 } },
      env: { DISPATCH_INTERVAL_MS: '100', INBOUND_RECEIPT_GRACE_SECONDS: '1', CLAIM_LEASE_SECONDS: '1' },
      apiClock: true,
    });
    ({ sim, api, worker, ids } = stack);
  });
  afterAll(() => stack?.stop());

  it('should mark a two-part Russian message delivered when the receipts of both parts have come', async () => {
    const res = await api.post('/v1/incidents', { title: 'Ring failure', kind: 'outage', scope: { areaCodes: ['DIST-A1a'] }, etr: '2026-11-24T11:00:00Z' });
    expect(res.status).toBe(201);

    const message = await waitFor(async () => {
      const [m] = await api.db.query(`SELECT id, state, parts, delivered_at FROM messages WHERE subscriber_id = $1 AND channel = 'sms'`, [ids.s1]);
      return m?.state === 'delivered' && m;
    }, 'the notice to be delivered');
    expect(message).toMatchObject({ parts: 2, delivered_at: new Date(NOW) });
    const parts = await api.db.query(`SELECT provider_id, state FROM message_parts WHERE message_id = $1 ORDER BY part`, [message.id]);
    expect(parts.map((p: { state: string }) => p.state)).toEqual(['delivered', 'delivered']);

    const [handset] = toHandset('s1');
    expect(handset).toMatchObject({ totalParts: 2, complete: true, dataCoding: 8 });
    expect(handset.parts.map((p) => p.messageId.toLowerCase())).toEqual(parts.map((p: { provider_id: string }) => p.provider_id));
    // The deliver_sm_resp go out after the commit that marked the message delivered: wait for them too.
    await waitFor(async () => sim.stats().receiptsAcked === 2, 'both receipts to be acknowledged');
  });

  it('should count the receipt of an SMS we have no record of as unknown, and still acknowledge it', async () => {
    const unknown = async () => (await receiptsCounter.get()).values.find((v) => v.labels.result === 'unknown')?.value ?? 0;
    const before = await unknown();
    // Start from a settled count: every receipt sent so far acknowledged.
    const settled = () => sim.stats().receiptsAcked === sim.stats().receiptsSent;
    await waitFor(async () => settled(), 'earlier receipts to be acknowledged');
    const acked = sim.stats().receiptsAcked;
    const sms = worker.get<ChannelPort>(SMS_CHANNEL);
    const [outcome] = await sms.send([{ messageId: 'not-ours', channel: 'sms', to: '+79130000099', text: 'test' }]);
    expect(outcome.status).toBe('accepted');
    await waitFor(async () => settled() && sim.stats().receiptsAcked === acked + 1, 'the receipt to be acknowledged');
    await waitFor(async () => (await unknown()) === before + 1, 'the unknown receipt to be counted');
  });

  it('should opt out on an MO "СТОП" and answer once, the answer delivered per its own receipt', async () => {
    expect(sim.sendMo(SUBSCRIBERS.s1.phone, 'Outages', 'СТОП')).toBe(1);
    const answer = await waitFor(async () => toHandset('s1').find((m) => m.text.startsWith('Вы отписались')), 'the confirmation');
    expect(answer).toMatchObject({ from: 'Outages', text: 'Вы отписались от SMS об авариях. Чтобы снова получать их, отправьте СТАРТ.' });
    const [subscriber] = await api.db.query(`SELECT sms_opted_out_at FROM subscribers WHERE id = $1`, [ids.s1]);
    expect(subscriber.sms_opted_out_at).toEqual(new Date(NOW));
    await waitFor(async () => (await api.db.query(`SELECT state FROM inbound_replies`))[0]?.state === 'delivered', 'the answer to be delivered');
    expect(toHandset('s1').filter((m) => m.text.startsWith('Вы отписались'))).toHaveLength(1);
  });

  it('should put a long reply sent in several parts back together into one feedback item', async () => {
    const text = 'Добрый день! Интернета нет с утра, а у меня удалённая работа и дети на онлайн-уроках. ' +
      'Пожалуйста, предупреждайте заранее о работах и называйте реальные сроки. Спасибо за SMS.';
    expect(sim.sendMo(SUBSCRIBERS.s1.phone, 'Outages', text)).toBeGreaterThan(1);
    const [feedback] = await waitFor(async () => {
      const rows = await api.db.query(`SELECT body, subscriber_id, incident_id FROM feedback`);
      return rows.length > 0 && rows;
    }, 'the feedback');
    expect(feedback).toMatchObject({ body: text, subscriber_id: ids.s1, incident_id: expect.any(Number) });
    const [{ n }] = await api.db.query(`SELECT count(*)::int AS n FROM inbound_mo_parts`);
    expect(n).toBe(0);
  });
});
