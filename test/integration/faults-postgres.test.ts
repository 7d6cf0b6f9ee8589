import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/options';
import { freePort, PeerProcess, PostgresServer, RedisServer, ServiceProcess } from '../support/processes';
import { waitFor } from '../support/wait';

/**
 * PostgreSQL stopped (fast: open transactions rolled back, every connection closed) and started
 * again under a live api and worker, all real processes: a PostgreSQL cluster of this test's own,
 * the built api and worker, the SMSC simulator, a Redis of its own. While the database is down the
 * api answers 503 at once rather than hanging; afterwards it answers again, the worker finishes
 * the send-out, the ledger holds exactly one accepted notice per subscriber, and the SMSC saw a
 * text twice only within the batch that was in flight when the database went away.
 */

const SUBSCRIBERS = 240;
const BATCH = 20;
const KEY = 'faults-postgres-admin-key-0123456789';

describe('a send-out while PostgreSQL restarts', () => {
  let pg: PostgresServer;
  let redis: RedisServer;
  let sim: PeerProcess;
  let simHttp: number;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  let apiUrl: string;
  let ledger: Client | undefined;

  /** Any answer within 30 s, or a failure naming the hang. */
  const request = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(apiUrl + path, {
      method,
      headers: { authorization: `Bearer ${KEY}`, ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
  };

  beforeAll(async () => {
    pg = await PostgresServer.start();
    const admin = new Client({ connectionString: pg.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE outage');
    await admin.end();
    const migrations = new DataSource({ ...dataSourceOptions(pg.url('outage')), entities: [] });
    await migrations.initialize();
    await migrations.runMigrations({ transaction: 'each' });
    await migrations.destroy();

    redis = await RedisServer.start();
    simHttp = await freePort();
    sim = await PeerProcess.start('smsc-simulator', { SMSC_SIM_PORT: '0', SMSC_SIM_HTTP_PORT: String(simHttp), SMSC_SIM_RECEIPT_DELAY_MS: '-1' }, /SMPP on (\d+)/);
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    const common = {
      NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: pg.url('outage'), REDIS_URL: redis.url, QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      ADMIN_API_KEY: KEY, DB_API_CONNECT_TIMEOUT_MS: '2000', DB_WORKER_CONNECT_TIMEOUT_MS: '2000',
      DISPATCH_INTERVAL_MS: '200', DELIVERY_BATCH_SIZE: String(BATCH), WORKER_CONCURRENCY: '1', CHANNELS: 'live',
      SMSC_HOST: '127.0.0.1', SMSC_PORT: String(sim.port), SMSC_SYSTEM_ID: 'outage', SMSC_PASSWORD: 'secret', SMSC_MAX_RATE: '40', SMSC_WINDOW: '10',
    };
    api = new ServiceProcess('api', { ...common, PORT: String(port) }, { captureStderr: true });
    worker = new ServiceProcess('worker', common, { captureStderr: true });
    await Promise.all([api.waitFor((l) => l.msg === 'api listening'), worker.waitFor((l) => l.msg === 'bound')]);

    expect((await request('POST', '/v1/areas', { code: 'PG-A', name: 'Area A', timezone: 'Europe/Moscow' })).status).toBe(201);
    const rows = Array.from({ length: SUBSCRIBERS }, (_, i) => `P-${i},Subscriber ${i},+7913${String(3_000_000 + i)},residential,24x7,PG-A,true,false`);
    const csv = ['externalId,name,phone,tier,flags,areaCode,sms,emailConsent', ...rows].join('\n');
    expect((await request('POST', '/v1/imports/subscribers', csv)).status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop(), sim?.stop()]);
    await ledger?.end();
    await redis?.kill();
    await pg?.destroy();
  });

  /** Texts the simulator took, by destination. */
  async function handedOver(): Promise<Map<string, number>> {
    const list = (await (await fetch(`http://127.0.0.1:${simHttp}/messages?limit=10000`)).json()) as Array<{ to: string }>;
    const counts = new Map<string, number>();
    for (const m of list) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
    return counts;
  }

  it('should answer 503 while it is down, and tell every subscriber, once in the ledger, when it is back', async () => {
    const declared = await request('POST', '/v1/incidents', { title: 'Fibre cut', kind: 'outage', scope: { areaCodes: ['PG-A'] } });
    expect(declared.status).toBe(201);
    const phones = Array.from({ length: SUBSCRIBERS }, (_, i) => `7913${String(3_000_000 + i)}`);
    // Mid-batch: a batch's texts are handed over before its transaction commits.
    await waitFor(async () => (await handedOver()).size >= BATCH * 2 + BATCH / 2, 'the send-out to be under way', 60_000);

    await pg.stop('fast');
    const down = [
      await request('GET', `/v1/incidents/${declared.body.id}`),
      await request('POST', '/v1/incidents', { title: 'While the database is down', kind: 'outage', scope: { areaCodes: ['PG-A'] } }),
      await request('GET', `/v1/public/incidents/${declared.body.code}`),
    ];
    expect(down.map((r) => [r.status, r.body?.error?.code])).toEqual(Array(3).fill([503, 'DATABASE_UNAVAILABLE']));
    expect((await request('GET', '/health/ready')).status).toBe(503);
    const toldWhileDown = (await handedOver()).size;

    await pg.restart();
    await waitFor(async () => (await request('GET', `/v1/incidents/${declared.body.id}`)).status === 200, 'the api to answer again', 60_000);
    const counts = await waitFor(async () => {
      const c = await handedOver();
      return phones.every((p) => c.has(p)) && c;
    }, 'every subscriber to have been texted', 180_000);

    ledger = new Client({ connectionString: pg.url('outage') });
    await ledger.connect();
    const accepted = await waitFor(async () => {
      const { rows } = await ledger!.query(
        `SELECT s.phone, count(*)::int AS n FROM messages m JOIN subscribers s ON s.id = m.subscriber_id
         WHERE m.incident_id = $1 AND m.channel = 'sms' AND m.state = 'accepted' GROUP BY s.phone`,
        [declared.body.id],
      );
      return rows.length === SUBSCRIBERS && (rows as Array<{ phone: string; n: number }>);
    }, 'every notice to be in the ledger', 60_000);
    const twice = phones.filter((p) => counts.get(p)! > 1);
    process.stdout.write(`PostgreSQL restarted mid-send-out (${toldWhileDown} texted before the stop): ${phones.length} told, ${twice.length} of them twice on the wire, ${accepted.filter((r) => r.n > 1).length} twice in the ledger\n`);
    expect(accepted.filter((r) => r.n !== 1)).toEqual([]);
    expect(twice.length).toBeLessThanOrEqual(BATCH);
    expect(phones.filter((p) => counts.get(p)! > 2)).toEqual([]);
    expect([api.notJson, worker.notJson]).toEqual([[], []]);
    expect([...api.lines, ...worker.lines].filter((l) => l.level === 'fatal')).toEqual([]);
  }, 420_000);
});
