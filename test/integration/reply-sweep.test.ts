import { INestApplicationContext } from '@nestjs/common';
import { RepliesService } from '../../src/inbound/replies.service';
import { SmscSimulator } from '../../src/peers/smsc-simulator/smsc-simulator';
import { TestApi } from '../support/api';
import { SmppStack, startSmppStack, waitOverSmpp as waitFor } from '../support/smpp-stack';
import { SubscriberKey, SUBSCRIBERS } from '../support/topology';

const NOW = new Date('2026-11-24T07:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

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
  let stack: SmppStack | undefined;

  beforeAll(async () => {
    stack = await startSmppStack(NOW, { sim: { receipts: false } });
    ({ sim, api, worker, ids } = stack);
  });
  afterAll(() => stack?.stop());

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
