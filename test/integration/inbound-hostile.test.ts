import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'crypto';
import { WorkerModule } from '../../src/app.modules';
import { Clock } from '../../src/common/clock';
import { JsonLogger } from '../../src/common/json-logger';
import { EMAIL_CHANNEL } from '../../src/notifications/channel.port';
import { SmscSimulator, startSmscSimulator } from '../../src/peers/smsc-simulator/smsc-simulator';
import { formatReceiptText } from '../../src/sms/delivery-receipt';
import { TestApi } from '../support/api';
import { RecordingChannel } from '../support/recording-channel';
import { seedTopology, SubscriberKey, SUBSCRIBERS } from '../support/topology';
import { Probe, waitFor as poll } from '../support/wait';

/**
 * Hostile input from the SMS side, over real TCP: the api, and a worker whose SMS channel is the
 * real SMPP adapter bound to the local SMSC simulator. The simulator sends no receipts of its own,
 * so every receipt here is one the test wrote.
 */

const NOW = '2026-11-24T07:00:00Z'; // 14:00 in Novosibirsk

/** Over real TCP: a longer deadline than in-process tests. */
const waitFor = <T>(probe: Probe<T>, what: string) => poll(probe, what, 15_000);

describe('hostile input over SMPP', () => {
  let sim: SmscSimulator;
  let api: TestApi;
  let worker: INestApplicationContext;
  let ids: Record<SubscriberKey, number>;

  beforeAll(async () => {
    sim = await startSmscSimulator({ systemId: 'outage', password: 'secret', receipts: false });
    api = await TestApi.start({
      QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`, DISPATCH_INTERVAL_MS: '100',
      SMSC_HOST: '127.0.0.1', SMSC_PORT: String(sim.smppPort), SMSC_SYSTEM_ID: 'outage', SMSC_PASSWORD: 'secret', SMSC_MAX_RATE: '0',
      INBOUND_RECEIPT_GRACE_SECONDS: '1', CLAIM_LEASE_SECONDS: '1',
    });
    api.setNow(NOW);
    const moduleRef = await Test.createTestingModule({ imports: [WorkerModule] })
      .overrideProvider(EMAIL_CHANNEL)
      .useValue(new RecordingChannel('email'))
      .setLogger(new JsonLogger(process.env.TEST_WORKER_LOG ?? 'error'))
      .compile();
    moduleRef.get(Clock).now = () => new Date(NOW);
    await moduleRef.init();
    worker = moduleRef;
    ids = await seedTopology(api);
    await waitFor(async () => (sim.stats().bound.transceiver ?? 0) > 0, 'the worker to bind');
  });
  afterAll(async () => {
    await worker?.close();
    await api?.stop();
    await sim?.stop();
  });

  it('should take a receipt texted by a subscriber as a reply, and only a deliver_sm marked as a receipt as one', async () => {
    const res = await api.post('/v1/incidents', { title: 'Ring failure', kind: 'outage', scope: { areaCodes: ['DIST-A1b'] } });
    expect(res.status).toBe(201);
    const parts = await waitFor(async () => {
      const rows: Array<{ provider_id: string; message_id: string }> = await api.db.query(
        `SELECT p.provider_id, p.message_id FROM message_parts p JOIN messages m ON m.id = p.message_id WHERE m.subscriber_id = $1`, [ids.s2]);
      return rows.length > 0 && rows;
    }, 'the notice to be submitted');
    const receiptText = (id: string) =>
      formatReceiptText({ id, stat: 'DELIVRD', err: '000', submitDate: '2611240700', doneDate: '2611240700', text: '' });

    // The subscriber texts the receipt form of each part, as a plain message (esm_class 0).
    for (const p of parts) expect(sim.sendMo(SUBSCRIBERS.s2.phone, 'Outages', receiptText(p.provider_id))).toBe(1);
    const replies = await waitFor(async () => {
      const rows: Array<{ body: string; outcome: string }> = await api.db.query(
        `SELECT body, outcome FROM inbound_messages WHERE subscriber_id = $1`, [ids.s2]);
      return rows.length === parts.length && rows;
    }, 'the forged receipts to be kept as replies');
    expect(replies.map((r) => r.body).sort()).toEqual(parts.map((p) => receiptText(p.provider_id)).sort());
    const [forged] = await api.db.query(`SELECT state FROM messages WHERE id = $1`, [parts[0].message_id]);
    expect(forged.state).toBe('accepted');
    const partStates = await api.db.query(`SELECT DISTINCT state FROM message_parts WHERE message_id = $1`, [parts[0].message_id]);
    expect(partStates).toEqual([{ state: 'accepted' }]);

    // The SMSC's own receipts (esm_class 0x04) for the same parts are taken.
    for (const p of parts) {
      expect(sim.sendDeliver({
        source_addr_ton: 1, source_addr_npi: 1, source_addr: SUBSCRIBERS.s2.phone.slice(1), destination_addr: 'Outages',
        esm_class: 0x04, data_coding: 0, short_message: Buffer.from(receiptText(p.provider_id), 'ascii'),
      })).toBe(true);
    }
    await waitFor(async () => (await api.db.query(`SELECT state FROM messages WHERE id = $1`, [parts[0].message_id]))[0].state === 'delivered',
      'the genuine receipts to mark the notice delivered');
  });
});
