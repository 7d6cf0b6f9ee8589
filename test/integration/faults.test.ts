import { randomBytes } from 'crypto';
import { TestApi } from '../support/api';
import { freePort, PeerProcess, RedisServer, ServiceProcess } from '../support/processes';
import { seedTopology } from '../support/topology';
import { waitFor } from '../support/wait';

/**
 * A send-out that survives its own machinery failing, with real processes: the built worker
 * (`node dist/src/main.js worker`) over the real SMPP channel to the SMSC simulator as a process
 * of its own, a Redis server of this test's own; the worker killed, Redis restarted empty, the
 * SMSC killed and started again. Counted from outside, at the simulator: every
 * affected subscriber gets the notice, and a text goes twice only within the batch that was in
 * flight (one batch of DELIVERY_BATCH_SIZE at a time).
 */

const SUBSCRIBERS = 240;
const BATCH = 20;

describe('a send-out under failing processes', () => {
  let redis: RedisServer;
  let sim: PeerProcess;
  let simHttp: number;
  let simPort: number;
  const startSimulator = () =>
    PeerProcess.start('smsc-simulator', { SMSC_SIM_PORT: String(simPort), SMSC_SIM_HTTP_PORT: String(simHttp), SMSC_SIM_RECEIPT_DELAY_MS: '-1' }, /SMPP on (\d+)/);
  let api: TestApi;
  const workers: ServiceProcess[] = [];
  const prefix = `test-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    redis = await RedisServer.start();
    api = await TestApi.start({ REDIS_URL: redis.url, QUEUE_PREFIX: prefix });
    simHttp = await freePort();
    simPort = await freePort();
    sim = await startSimulator();
    await seedTopology(api);
    expect((await api.post('/v1/areas', { code: 'DIST-F', name: 'District F', parentCode: 'CITY-B1' })).status).toBe(201);
    // Subscribers of their own, reachable by SMS only and at any hour (the test runs day or night).
    const header = 'externalId,name,phone,tier,flags,areaCode,sms,emailConsent';
    const rows = (from: number) =>
      Array.from({ length: SUBSCRIBERS }, (_, i) => `F-${from + i},Subscriber ${from + i},+7913${String(2_000_000 + from + i).slice(-7)},residential,24x7,DIST-B1a,true,false`);
    for (const [n, area] of ['DIST-A1b', 'DIST-B1a', 'DIST-F'].entries()) {
      const from = n * SUBSCRIBERS;
      const csv = [header, ...rows(from).map((r) => r.replace(',DIST-B1a,', `,${area},`))].join('\n');
      const res = await api.request('POST', '/v1/imports/subscribers', { raw: csv, contentType: 'text/csv' });
      expect(res.status).toBe(200);
    }
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await sim?.stop();
    await api?.stop();
    await redis?.kill();
  });

  function startWorker(): ServiceProcess {
    const worker = new ServiceProcess('worker', {
      NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: api.database.url, REDIS_URL: redis.url, QUEUE_PREFIX: prefix,
      DISPATCH_INTERVAL_MS: '200', DELIVERY_BATCH_SIZE: String(BATCH), WORKER_CONCURRENCY: '1',
      SMSC_HOST: '127.0.0.1', SMSC_PORT: String(simPort), SMSC_SYSTEM_ID: 'outage', SMSC_PASSWORD: 'secret',
      SMSC_MAX_RATE: '40', SMSC_WINDOW: '10', CHANNELS: 'live',
    });
    workers.push(worker);
    return worker;
  }

  /** Texts the simulator took, by destination. */
  async function handedOver(): Promise<Map<string, number>> {
    const list = (await (await fetch(`http://127.0.0.1:${simHttp}/messages?limit=10000`)).json()) as Array<{ to: string }>;
    const counts = new Map<string, number>();
    for (const m of list) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
    return counts;
  }

  async function declare(area: string): Promise<string[]> {
    const res = await api.post('/v1/incidents', { title: `Outage in ${area}`, kind: 'outage', scope: { areaCodes: [area] } });
    expect(res.status).toBe(201);
    const phones: Array<{ phone: string }> = await api.db.query(
      `SELECT s.phone FROM subscribers s JOIN areas a ON a.id = s.area_id WHERE a.code = $1 AND s.external_id LIKE 'F-%'`,
      [area],
    );
    return phones.map((p) => p.phone.slice(1));
  }

  /** Every one of `phones` told, and how many texts went twice. */
  async function expectAllToldOnce(phones: string[]): Promise<void> {
    const counts = await waitFor(async () => {
      const c = await handedOver();
      return phones.every((p) => c.has(p)) && c;
    }, 'every affected subscriber to have been texted', 120_000);
    const twice = phones.filter((p) => counts.get(p)! > 1);
    process.stdout.write(`${phones.length} subscribers told, ${twice.length} of them twice\n`);
    expect(twice.length).toBeLessThanOrEqual(BATCH);
    expect(phones.filter((p) => counts.get(p)! > 2)).toEqual([]);
  }

  it('should tell everyone, doubling at most the batch in flight, when the worker is killed mid-send-out', async () => {
    const first = startWorker();
    await first.waitFor((l) => l.msg === 'bound');
    const phones = await declare('DIST-A1b');
    await waitFor(async () => [...(await handedOver()).keys()].filter((to) => phones.includes(to)).length >= BATCH * 2, 'the send-out to be under way', 60_000);
    first.signal('SIGKILL');
    await first.exited;
    const second = startWorker();
    await expectAllToldOnce(phones);
    await second.stop();
  }, 240_000);

  it('should tell everyone when Redis is restarted, empty, under a live worker and api', async () => {
    const worker = startWorker();
    await worker.waitFor((l) => l.msg === 'bound');
    const phones = await declare('DIST-B1a');
    await waitFor(async () => [...(await handedOver()).keys()].filter((to) => phones.includes(to)).length >= BATCH, 'the send-out to be under way', 60_000);
    await redis.kill();
    await redis.restart(); // no persistence: the queues and the dispatch schedule are gone
    await expectAllToldOnce(phones);
    // The api is still usable: a change after the restart is planned and sent.
    const res = await api.post('/v1/incidents', { title: 'After the restart', kind: 'outage', scope: { areaCodes: ['DIST-A1a'] } });
    expect(res.status).toBe(201);
    await worker.stop();
  }, 240_000);

  it('should tell everyone when the SMSC is killed mid-send-out and comes back', async () => {
    const worker = startWorker();
    await worker.waitFor((l) => l.msg === 'bound');
    const phones = await declare('DIST-F');
    await waitFor(async () => [...(await handedOver()).keys()].filter((to) => phones.includes(to)).length >= BATCH, 'the send-out to be under way', 60_000);
    sim.signal('SIGKILL');
    await sim.exited;
    sim = await startSimulator(); // the same port; what the old one took is gone with it
    // Counted in the ledger: every subscriber's notice accepted by one SMSC or the other, none twice over.
    const accepted = async () =>
      (await api.db.query(
        `SELECT s.phone, count(*)::int AS n FROM messages m JOIN subscribers s ON s.id = m.subscriber_id JOIN areas a ON a.id = s.area_id
         WHERE a.code = 'DIST-F' AND m.channel = 'sms' AND m.state = 'accepted' GROUP BY s.phone`,
      )) as Array<{ phone: string; n: number }>;
    const rows = await waitFor(async () => {
      const r = await accepted();
      return r.length === phones.length && r;
    }, 'every notice to be accepted', 120_000);
    expect(rows.filter((r) => r.n > 1)).toEqual([]);
    expect(worker.lines.some((l) => l.msg === 'session closed; reconnecting')).toBe(true);
    await worker.stop();
  }, 240_000);
});
