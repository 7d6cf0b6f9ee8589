import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'crypto';
import { WorkerModule } from '../../src/app.modules';
import { Clock } from '../../src/common/clock';
import { JsonLogger } from '../../src/common/json-logger';
import { RepliesService } from '../../src/inbound/replies.service';
import { EMAIL_CHANNEL } from '../../src/notifications/channel.port';
import { SmscSimulator, startSmscSimulator } from '../../src/peers/smsc-simulator/smsc-simulator';
import { TestApi } from '../support/api';
import { RecordingChannel } from '../support/recording-channel';
import { seedTopology, SubscriberKey, SUBSCRIBERS } from '../support/topology';
import { Probe, waitFor as poll } from '../support/wait';

const NOW = new Date('2026-11-24T07:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const waitFor = <T>(probe: Probe<T>, what: string) => poll(probe, what, 15_000);

/**
 * Our answers to STOP / STATUS are committed with the reply and sent afterwards; a worker killed
 * in between left them 'sending' for ever. The rows such a worker leaves are written here as it
 * would have left them; a live worker bound to the SMSC simulator sweeps them.
 */
describe('answers left unsent by a stopped worker', () => {
  let sim: SmscSimulator;
  let api: TestApi;
  let worker: INestApplicationContext;
  let ids: Record<SubscriberKey, number>;

  beforeAll(async () => {
    sim = await startSmscSimulator({ systemId: 'outage', password: 'secret', receipts: false });
    api = await TestApi.start({
      QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      SMSC_HOST: '127.0.0.1', SMSC_PORT: String(sim.smppPort), SMSC_SYSTEM_ID: 'outage', SMSC_PASSWORD: 'secret', SMSC_MAX_RATE: '0',
    });
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

  /** A reply and our answer to it, committed at `at` and never sent. */
  async function unsentAnswer(k: SubscriberKey, body: string, at: Date): Promise<string> {
    const [inbound] = await api.db.query(
      `INSERT INTO inbound_messages (sender, recipient, body, data_coding, subscriber_id, outcome, received_at)
       VALUES ($1, 'Outages', 'STATUS', 0, $2, 'status', $3) RETURNING id`,
      [SUBSCRIBERS[k].phone, ids[k], at],
    );
    const [reply] = await api.db.query(
      `INSERT INTO inbound_replies (inbound_id, subscriber_id, kind, recipient, body, created_at, updated_at)
       VALUES ($1, $2, 'status', $3, $4, $5, $5) RETURNING id`,
      [inbound.id, ids[k], SUBSCRIBERS[k].phone, body, at],
    );
    return String(reply.id);
  }
  const reply = async (id: string) => (await api.db.query(`SELECT state, error, parts FROM inbound_replies WHERE id = $1`, [id]))[0];
  const toHandset = (k: SubscriberKey) => sim.messages().filter((m) => m.to === SUBSCRIBERS[k].phone.slice(1));

  it('should send an answer left unsent, fail one too old to send, and leave one a live worker may still be sending', async () => {
    const stuck = await unsentAnswer('s1', 'Work on the outage is in progress.', minutesAgo(10));
    const tooOld = await unsentAnswer('s2', 'No outages now.', minutesAgo(120));
    const inFlight = await unsentAnswer('s3', 'Nothing known.', minutesAgo(1));

    const sut = worker.get(RepliesService);
    expect(await sut.sweepUnsentAnswers()).toEqual({ resent: 1, failed: 1 });

    await waitFor(async () => (await reply(stuck)).state === 'accepted', 'the unsent answer to be sent');
    expect(await reply(stuck)).toMatchObject({ parts: 1, error: null });
    expect(toHandset('s1').map((m) => m.text)).toEqual(['Work on the outage is in progress.']);
    expect(await reply(tooOld)).toMatchObject({ state: 'failed', error: 'never sent: the worker stopped before sending it' });
    expect(toHandset('s2')).toEqual([]);
    expect(await reply(inFlight)).toMatchObject({ state: 'sending' });

    // A second sweep finds nothing: the answer went once.
    expect(await sut.sweepUnsentAnswers()).toEqual({ resent: 0, failed: 0 });
    expect(toHandset('s1')).toHaveLength(1);
    expect(toHandset('s3')).toEqual([]);
  });
});
