import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { freshDatabase, TestDatabase } from '../support/db';
import { freePort, PeerProcess, PgBouncer, ServiceProcess } from '../support/processes';
import { waitFor } from '../support/wait';

/**
 * PostgreSQL behind PgBouncer in transaction mode, where a server connection serves another
 * client after every transaction: only two server connections per role here, so whatever a
 * process left on a session would reach the others. The built api and worker
 * (`DATABASE_POOL_MODE=transaction`) run a send-out through it over SMPP to the simulator, its
 * receipts applied, with an import (COPY into a temporary table), re-planning (the planner's
 * lock), an SMS reply (the per-sender lock) and a key revoked (the revocation lock) on the way.
 * The timeouts come from PgBouncer's connect_query per role, as a deployment would set them.
 */

const SUBSCRIBERS = 60;
const API_TIMEOUTS = { statement: 21_000, lock: 7_000 };
const WORKER_TIMEOUTS = { statement: 480_000, lock: 42_000 };
const KEY = 'pgbouncer-admin-key-0123456789abcdef';

describe('PostgreSQL behind PgBouncer in transaction mode', () => {
  let database: TestDatabase;
  let bouncer: PgBouncer;
  let sim: PeerProcess;
  let simHttp: number;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  let apiUrl: string;
  /** Straight to PostgreSQL, for the assertions. */
  let direct: Client;

  const request = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(apiUrl + path, {
      method,
      headers: { authorization: `Bearer ${KEY}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
  };
  const rows = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await direct.query(sql, params)).rows as T[];

  beforeAll(async () => {
    database = await freshDatabase();
    direct = new Client({ connectionString: database.url });
    await direct.connect();
    const set = (t: { statement: number; lock: number }) => `SET statement_timeout = ${t.statement}; SET lock_timeout = ${t.lock}`;
    bouncer = await PgBouncer.start(
      { api: { dbname: database.name, connectQuery: set(API_TIMEOUTS) }, worker: { dbname: database.name, connectQuery: set(WORKER_TIMEOUTS) } },
      { poolSize: 2 },
    );
    simHttp = await freePort();
    sim = await PeerProcess.start('smsc-simulator', { SMSC_SIM_PORT: '0', SMSC_SIM_HTTP_PORT: String(simHttp), SMSC_SIM_RECEIPT_DELAY_MS: '100' }, /SMPP on (\d+)/);
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    const common = {
      NODE_ENV: 'test', LOG_LEVEL: 'info', REDIS_URL: process.env.REDIS_URL!, QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      DATABASE_POOL_MODE: 'transaction', ADMIN_API_KEY: KEY, DISPATCH_INTERVAL_MS: '200', DELIVERY_BATCH_SIZE: '20', CHANNELS: 'live',
      SMSC_HOST: '127.0.0.1', SMSC_PORT: String(sim.port), SMSC_SYSTEM_ID: 'outage', SMSC_PASSWORD: 'secret', SMSC_MAX_RATE: '0',
      DB_API_STATEMENT_TIMEOUT_MS: String(API_TIMEOUTS.statement), DB_API_LOCK_TIMEOUT_MS: String(API_TIMEOUTS.lock),
      DB_WORKER_STATEMENT_TIMEOUT_MS: String(WORKER_TIMEOUTS.statement), DB_WORKER_LOCK_TIMEOUT_MS: String(WORKER_TIMEOUTS.lock),
    };
    api = new ServiceProcess('api', { ...common, PORT: String(port), DATABASE_URL: bouncer.url('api') });
    worker = new ServiceProcess('worker', { ...common, DATABASE_URL: bouncer.url('worker') });
    await Promise.all([api.waitFor((l) => l.msg === 'api listening'), worker.waitFor((l) => l.msg === 'bound')]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop(), sim?.stop()]);
    await direct?.end();
    await bouncer?.stop();
    await database?.drop();
  });

  it('should find the timeouts of each role on the server, as the connect_query sets them', async () => {
    const timeouts = (p: ServiceProcess) => p.waitFor((l) => l.msg === 'database timeouts from the server');
    expect(await timeouts(api)).toMatchObject({ statementMs: API_TIMEOUTS.statement, lockMs: API_TIMEOUTS.lock });
    expect(await timeouts(worker)).toMatchObject({ statementMs: WORKER_TIMEOUTS.statement, lockMs: WORKER_TIMEOUTS.lock });
    expect([...api.lines, ...worker.lines].filter((l) => l.level === 'warn' && /timeout/.test(String(l.msg)))).toEqual([]);
  });

  it('should import through it, leaving no setting of the import on the server connections', async () => {
    expect((await request('POST', '/v1/areas', { code: 'RU', name: 'Russia', timezone: 'Europe/Moscow' })).status).toBe(201);
    // 24/7, so the test may run at any hour; SMS only.
    const csv = ['externalId,name,phone,tier,flags,areaCode,sms,emailConsent',
      ...Array.from({ length: SUBSCRIBERS }, (_, i) => `P-${i},Subscriber ${i},+7913${String(3_000_000 + i)},residential,24x7,RU,true,false`)].join('\n');
    const res = await request('POST', '/v1/imports/subscribers', csv, 'text/csv');
    expect(res).toMatchObject({ status: 200, body: { inserted: SUBSCRIBERS } });
    // Both server connections of the api's pool at once, each in a transaction of its own: they
    // carry the role's settings and none of the import's SET LOCAL.
    const clients = [new Client({ connectionString: bouncer.url('api') }), new Client({ connectionString: bouncer.url('api') })];
    try {
      const seen = [];
      for (const c of clients) {
        await c.connect();
        await c.query('BEGIN');
        seen.push((await c.query(`SELECT pg_backend_pid() AS pid, current_setting('work_mem') AS work_mem, current_setting('statement_timeout') AS st`)).rows[0]);
      }
      expect(new Set(seen.map((s) => s.pid)).size).toBe(2);
      const defaultWorkMem = (await rows<{ w: string }>(`SELECT current_setting('work_mem') AS w`))[0].w;
      expect(seen.map((s) => [s.work_mem, s.st])).toEqual([[defaultWorkMem, '21s'], [defaultWorkMem, '21s']]);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  /** The incident's last change planned, every text handed over has its receipt applied, and nothing is due now. */
  const settled = (id: number) =>
    waitFor(async () => {
      const [r] = await rows<{ unplanned: boolean; told: number; waiting: number; due: number }>(
        `SELECT i.planned_version < i.version AS unplanned,
                (SELECT count(DISTINCT m.subscriber_id)::int FROM messages m WHERE m.incident_id = i.id AND m.channel = 'sms') AS told,
                (SELECT count(*)::int FROM messages m WHERE m.incident_id = i.id AND m.state NOT IN ('delivered', 'undeliverable', 'expired')) AS waiting,
                (SELECT count(*)::int FROM notification_threads t WHERE t.incident_id = i.id AND t.state <> 'idle' AND t.send_after <= now()) AS due
         FROM incidents i WHERE i.id = $1`,
        [id],
      );
      return !r.unplanned && r.told === SUBSCRIBERS && r.waiting === 0 && r.due === 0;
    }, 'every text to have its receipt applied and nothing left due', 120_000);
  /** A session lock taken through PgBouncer would still be held by one of its server connections. */
  const advisoryLocks = () => rows(`SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);

  it('should send the notices, apply their receipts, and re-plan changes without leaving a lock behind', async () => {
    const declared = await request('POST', '/v1/incidents', { title: 'Fibre cut', kind: 'outage', scope: { areaCodes: ['RU'] } });
    expect(declared.status).toBe(201);
    const id = declared.body.id as number;
    await settled(id);
    const handed = (await (await fetch(`http://127.0.0.1:${simHttp}/messages?limit=10000`)).json()) as Array<{ to: string }>;
    expect(new Set(handed.map((m) => m.to)).size).toBe(SUBSCRIBERS);
    expect(await advisoryLocks()).toEqual([]);
    // Changes one right after another: each is planned under the planner's lock, one planner at a time.
    for (const hours of [3, 5, 7]) {
      const res = await request('POST', `/v1/incidents/${id}/updates`, { etr: new Date(Date.now() + hours * 3600_000).toISOString() });
      expect(res.status).toBe(200);
    }
    await settled(id);
    expect(worker.lines.filter((l) => l.msg === 'incident planned').length).toBeGreaterThanOrEqual(2);
    expect(await advisoryLocks()).toEqual([]);
  }, 240_000);

  it('should answer an SMS reply and revoke a key, each under its transaction\'s lock', async () => {
    const mo = await fetch(`http://127.0.0.1:${simHttp}/mo`, { method: 'POST', body: JSON.stringify({ from: '+79133000007', to: 'Outages', text: 'STATUS' }) });
    expect(mo.status).toBe(202);
    await waitFor(async () => (await rows<{ state: string }>(`SELECT state FROM inbound_replies`))[0]?.state === 'delivered', 'the answer to be delivered', 60_000);

    const created = await request('POST', '/v1/api-keys', { name: 'temporary', role: 'noc' });
    expect(created.status).toBe(201);
    expect((await request('DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(200);
    expect(await advisoryLocks()).toEqual([]);
  }, 90_000);
});
