import { INestApplicationContext } from '@nestjs/common';
import { receiptsCounter } from '../../src/inbound/inbound.metrics';
import { SmscSimulator } from '../../src/peers/smsc-simulator/smsc-simulator';
import { smppReceiptLagSeconds, smppReconnects } from '../../src/sms/smpp.metrics';
import { TestApi } from '../support/api';
import { SmppStack, startSmppStack, startSmppWorker, waitOverSmpp as waitFor } from '../support/smpp-stack';

/**
 * Receipts on receive-only binds (SMSC_RECEIVER_BINDS) over real TCP: the worker (in this process)
 * holds a transceiver and two receivers to the simulator, which hands each receipt to the next
 * bind that can receive and keeps at most its window of them unanswered per bind.
 *
 * To see what is answered when, the receipts' writes can be held: a trigger on the parts waits,
 * before a part turns delivered, on an advisory lock the test takes (and, when told, fails the
 * write as a lost connection would).
 */

const NOW = '2026-11-24T07:00:00Z';
const PER_INCIDENT = 30;
const HOLD = 4315;

describe('receipts on receiver binds of their own', () => {
  let stack: SmppStack | undefined;
  let sim: SmscSimulator;
  let api: TestApi;
  let worker: INestApplicationContext;
  let areas = 0;
  const closeLater: Array<() => Promise<void>> = [];

  const counter = async (metric: typeof receiptsCounter | typeof smppReconnects, labels: Record<string, string>) =>
    (await metric.get()).values.filter((v) => Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x)).reduce((n, v) => n + v.value, 0);
  const lagsOn = async (bind: string) =>
    (await smppReceiptLagSeconds.get()).values.find((v) => v.metricName?.endsWith('_count') && v.labels.bind === bind)?.value ?? 0;

  beforeAll(async () => {
    stack = await startSmppStack(NOW, {
      // Receipts well after the parts are recorded: a receipt that came first would wait in pending_receipts, stored and so answered.
      sim: { receipts: { delayMs: 2000, outcomes: { DELIVRD: 100 } } },
      env: { SMSC_RECEIVER_BINDS: '2', DISPATCH_INTERVAL_MS: '100', DELIVERY_BATCH_SIZE: '10' },
    });
    ({ sim, api, worker } = stack);
    // Subscribers of their own in three areas (one an incident), by SMS only and at any hour.
    const header = 'externalId,name,phone,tier,flags,areaCode,sms,emailConsent';
    const rows = ['DIST-A1a', 'DIST-A1b', 'DIST-B1a'].flatMap((area, n) =>
      Array.from({ length: PER_INCIDENT }, (_, i) => `R-${n}-${i},Subscriber ${i},+7913${String(4_000_000 + n * 1000 + i)},residential,24x7,${area},true,false`),
    );
    const res = await api.request('POST', '/v1/imports/subscribers', { raw: [header, ...rows].join('\n'), contentType: 'text/csv' });
    expect(res.status).toBe(200);
    await api.db.query(`CREATE TABLE test_fail_receipts (x int)`);
    await api.db.query(
      `CREATE FUNCTION test_hold_receipts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
         PERFORM pg_advisory_xact_lock_shared(${HOLD});
         IF EXISTS (SELECT 1 FROM test_fail_receipts) THEN RAISE EXCEPTION 'test: connection lost' USING ERRCODE = '08006'; END IF;
         RETURN NEW; END $$`,
    );
    await api.db.query(
      `CREATE TRIGGER test_hold_receipts BEFORE UPDATE ON message_parts FOR EACH ROW
       WHEN (NEW.state = 'delivered' AND OLD.state IS DISTINCT FROM 'delivered') EXECUTE FUNCTION test_hold_receipts()`,
    );
    await waitFor(async () => sim.stats().bound.receiver === 2, 'both receiver binds');
  }, 120_000);
  afterAll(async () => {
    for (const close of closeLater) await close();
    await stack?.stop();
  });

  /** Declares an outage over the next area of the test's subscribers; resolves with its id once every text is handed over, and its parts. */
  const declare = async (): Promise<{ id: number; parts: number }> => {
    const area = ['DIST-A1a', 'DIST-A1b', 'DIST-B1a'][areas++];
    const res = await api.post('/v1/incidents', { title: `Outage ${area}`, kind: 'outage', scope: { areaCodes: [area] } });
    expect(res.status).toBe(201);
    const id = res.body.id as number;
    const parts = await waitFor(async () => {
      const [row] = await api.db.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE m.state IN ('accepted', 'delivered'))::int AS sent, coalesce(sum(m.parts), 0)::int AS parts
         FROM messages m JOIN subscribers s ON s.id = m.subscriber_id WHERE m.incident_id = $1 AND m.channel = 'sms' AND s.external_id LIKE 'R-%'`,
        [id],
      );
      return row.n === PER_INCIDENT && row.sent === PER_INCIDENT && row.parts;
    }, `the texts of ${area} handed over`);
    return { id, parts };
  };
  const undelivered = async (id: number) =>
    (await api.db.query(
      `SELECT count(*)::int AS n FROM messages m JOIN subscribers s ON s.id = m.subscriber_id
       WHERE m.incident_id = $1 AND m.channel = 'sms' AND m.state <> 'delivered' AND s.external_id LIKE 'R-%'`,
      [id],
    ))[0].n as number;
  const writesWaiting = async () =>
    (await api.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))[0].n as number;

  /** Runs `body` with the receipts' writes held at the trigger until it returns. */
  const holding = async <T>(body: () => Promise<T>): Promise<T> => {
    const holder = api.db.createQueryRunner();
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(${HOLD})`);
      return await body();
    } finally {
      await holder.query(`SELECT pg_advisory_unlock_all()`);
      await holder.release();
    }
  };

  it('should apply receipts that come on the receive-only binds, each answered only once its write is committed', async () => {
    const unknownBefore = await counter(receiptsCounter, { result: 'unknown' });
    const lagsBefore = [await lagsOn('receiver#1'), await lagsOn('receiver#2')];
    const ackedBefore = sim.stats().receiptsAcked;
    const { id, parts } = await holding(async () => {
      const sent = await declare();
      // Every receipt sent, none answered: the writes carrying them wait at the trigger.
      await waitFor(async () => sim.stats().receiptsWaiting === 0 && (await writesWaiting()) > 0, 'the receipts sent and their write held');
      await new Promise((r) => setTimeout(r, 500));
      expect(sim.stats().receiptsAcked).toBe(ackedBefore);
      expect(await undelivered(sent.id)).toBe(PER_INCIDENT);
      return sent;
    });
    await waitFor(async () => {
      const { receiptsAcked, receiptsSent, receiptsWaiting } = sim.stats();
      return (await undelivered(id)) === 0 && receiptsWaiting === 0 && receiptsAcked === receiptsSent && receiptsAcked >= ackedBefore + parts;
    }, 'every text delivered and its receipts answered');
    const lags = [(await lagsOn('receiver#1')) - lagsBefore[0], (await lagsOn('receiver#2')) - lagsBefore[1]];
    // The simulator takes the binds in turn: each receiver carried its share.
    expect(lags.every((n) => n > 0)).toBe(true);
    expect(await counter(receiptsCounter, { result: 'unknown' })).toBe(unknownBefore);
  });

  it('should rebind a receiver bind that was lost, its unanswered receipts delivered again and applied', async () => {
    const reconnectsBefore = await counter(smppReconnects, {});
    const unknownBefore = await counter(receiptsCounter, { result: 'unknown' });
    const { id } = await holding(async () => {
      const sent = await declare();
      await waitFor(async () => sim.stats().receiptsWaiting === 0 && (await writesWaiting()) > 0, 'the receipts sent and their write held');
      // Both receivers go with their unanswered receipts; the transceiver stays.
      expect(sim.dropConnections('receiver')).toBe(2);
      return sent;
    });
    await waitFor(async () => (await undelivered(id)) === 0, 'every text delivered');
    await waitFor(async () => sim.stats().bound.receiver === 2, 'both receivers bound again');
    expect(await counter(smppReconnects, {})).toBeGreaterThanOrEqual(reconnectsBefore + 2);
    expect(await counter(receiptsCounter, { result: 'unknown' })).toBe(unknownBefore);
  });

  it('should lose no receipt when the worker stops while a write of them fails', async () => {
    const { id } = await holding(async () => {
      const sent = await declare();
      await waitFor(async () => sim.stats().receiptsWaiting === 0 && (await writesWaiting()) > 0, 'the receipts sent and their write held');
      // The held write fails once let go, as the worker stops: nothing it carried was answered, so the SMSC keeps it all.
      await api.db.query(`INSERT INTO test_fail_receipts VALUES (1)`);
      const closed = worker.close();
      await new Promise((r) => setTimeout(r, 200));
      return { ...sent, closed };
    }).then(async (s) => {
      await s.closed;
      return s;
    });
    expect(sim.stats().bound).toEqual({});
    expect(await undelivered(id)).toBe(PER_INCIDENT);
    expect(sim.stats().receiptsWaiting).toBeGreaterThan(0);
    await api.db.query(`DELETE FROM test_fail_receipts`);
    worker = await startSmppWorker(NOW, (close) => closeLater.push(close));
    await waitFor(async () => (await undelivered(id)) === 0 && sim.stats().receiptsWaiting === 0, 'every text delivered by the next worker');
  });
});
