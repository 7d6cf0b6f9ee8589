import { SmscSimulator } from '../../src/peers/smsc-simulator/smsc-simulator';
import { smppReceiptLagSeconds } from '../../src/sms/smpp.metrics';
import { TestApi } from '../support/api';
import { SmppStack, startSmppStack, startSmppWorker, waitOverSmpp as waitFor } from '../support/smpp-stack';

/**
 * Sending and receipts in different workers, over real TCP: the stack's worker sends on a
 * send-only bind (SMSC_BIND_MODE=transmitter, no receivers), and a second worker that takes no SMS
 * deliveries (WORKER_QUEUES=incidents) holds the receive-only binds, so the receipts are written
 * off the sending worker's event loop. Both run in this process, each with its own configuration.
 */

const NOW = '2026-11-24T07:00:00Z';
const PER_INCIDENT = 20;
const RECEIPTS_WORKER = { WORKER_QUEUES: 'incidents', SMSC_RECEIVER_BINDS: '2' };

describe('receipts taken by a worker of their own', () => {
  let stack: SmppStack | undefined;
  let sim: SmscSimulator;
  let api: TestApi;
  let areas = 0;
  const closeLater: Array<() => Promise<void>> = [];

  const lagsOnReceivers = async () =>
    (await smppReceiptLagSeconds.get()).values
      .filter((v) => v.metricName?.endsWith('_count') && String(v.labels.bind).startsWith('receiver#'))
      .reduce((n, v) => n + v.value, 0);

  beforeAll(async () => {
    stack = await startSmppStack(NOW, {
      sim: { receipts: { delayMs: 300, outcomes: { DELIVRD: 100 } } },
      env: { SMSC_BIND_MODE: 'transmitter', SMSC_RECEIVER_BINDS: '0', DISPATCH_INTERVAL_MS: '100', DELIVERY_BATCH_SIZE: '10' },
    });
    ({ sim, api } = stack);
    await startSmppWorker(NOW, (close) => closeLater.push(close), RECEIPTS_WORKER);
    const header = 'externalId,name,phone,tier,flags,areaCode,sms,emailConsent';
    const rows = ['DIST-A1a', 'DIST-A1b'].flatMap((area, n) =>
      Array.from({ length: PER_INCIDENT }, (_, i) => `W-${n}-${i},Subscriber ${i},+7913${String(5_000_000 + n * 1000 + i)},residential,24x7,${area},true,false`),
    );
    const res = await api.request('POST', '/v1/imports/subscribers', { raw: [header, ...rows].join('\n'), contentType: 'text/csv' });
    expect(res.status).toBe(200);
    await waitFor(async () => sim.stats().bound.receiver === 2, 'the receipts worker to bind');
  }, 120_000);
  afterAll(async () => {
    for (const close of closeLater.reverse()) await close();
    await stack?.stop();
  });

  const declare = async (): Promise<number> => {
    const area = ['DIST-A1a', 'DIST-A1b'][areas++];
    const res = await api.post('/v1/incidents', { title: `Outage ${area}`, kind: 'outage', scope: { areaCodes: [area] } });
    expect(res.status).toBe(201);
    return res.body.id as number;
  };
  const texts = async (id: number) =>
    (
      await api.db.query(
        `SELECT count(*) FILTER (WHERE m.state IN ('accepted', 'delivered'))::int AS sent, count(*) FILTER (WHERE m.state = 'delivered')::int AS delivered,
                coalesce(sum(m.parts), 0)::int AS parts
         FROM messages m JOIN subscribers s ON s.id = m.subscriber_id WHERE m.incident_id = $1 AND m.channel = 'sms' AND s.external_id LIKE 'W-%'`,
        [id],
      )
    )[0] as { sent: number; delivered: number; parts: number };

  it('should send on transmitter binds only, the receipts worker holding only receivers, and count only the sender in readiness', async () => {
    expect(sim.stats().bound).toEqual({ transmitter: 1, receiver: 2 });
    // Each worker that sends reports its bound transmitters every few seconds; the receipts worker sends nothing and does not.
    const smsc = await waitFor(async () => {
      const { checks } = (await api.get('/health/ready', null)).body;
      return checks.smsc?.bound === 1 && checks.smsc;
    }, 'the sending worker to report its bind');
    expect(smsc).toEqual({ ok: true, workers: 1, bound: 1 });
  });

  it('should apply the receipts that come to the receipts worker for texts the other worker sent', async () => {
    const lagsBefore = await lagsOnReceivers();
    const id = await declare();
    await waitFor(async () => (await texts(id)).delivered === PER_INCIDENT, 'every text delivered');
    const { receiptsAcked, receiptsSent, receiptsWaiting } = sim.stats();
    expect({ receiptsWaiting, unanswered: receiptsSent - receiptsAcked }).toEqual({ receiptsWaiting: 0, unanswered: 0 });
    // Only the receipts worker has receivers: the receipts came through it.
    expect(await lagsOnReceivers()).toBeGreaterThanOrEqual(lagsBefore + (await texts(id)).parts);
  });

  it('should keep sending while the receipts worker is down, the SMSC holding the receipts until one is back', async () => {
    await closeLater.pop()!(); // the receipts worker
    expect(sim.stats().bound).toEqual({ transmitter: 1 });
    const submittedBefore = sim.stats().submitted;
    const id = await declare();
    // Every part of this incident (the seeded topology's subscribers in the area too) holds its receipt at the SMSC.
    const { parts } = await waitFor(async () => {
      const t = await texts(id);
      const { submitted, receiptsWaiting } = sim.stats();
      return t.sent === PER_INCIDENT && receiptsWaiting === submitted - submittedBefore && t;
    }, 'every text handed over, its receipts held');
    expect(sim.stats().receiptsWaiting).toBeGreaterThanOrEqual(parts);
    expect((await texts(id)).delivered).toBe(0);
    await startSmppWorker(NOW, (close) => closeLater.push(close), RECEIPTS_WORKER);
    await waitFor(async () => (await texts(id)).delivered === PER_INCIDENT && sim.stats().receiptsWaiting === 0, 'every text delivered once receivers are back');
  });
});
