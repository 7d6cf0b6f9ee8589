import { Client } from 'pg';
import { freshDatabase, TestDatabase } from '../support/db';
import { Deployment } from '../support/deployment';
import { PgBouncer, ServiceProcess } from '../support/processes';
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

describe('PostgreSQL behind PgBouncer in transaction mode', () => {
  let database: TestDatabase;
  let bouncer: PgBouncer;
  let d: Deployment;

  beforeAll(async () => {
    database = await freshDatabase();
    const set = (t: { statement: number; lock: number }) => `SET statement_timeout = ${t.statement}; SET lock_timeout = ${t.lock}`;
    bouncer = await PgBouncer.start(
      { api: { dbname: database.name, connectQuery: set(API_TIMEOUTS) }, worker: { dbname: database.name, connectQuery: set(WORKER_TIMEOUTS) } },
      { poolSize: 2 },
    );
    d = await Deployment.start(
      database,
      {
        DATABASE_POOL_MODE: 'transaction',
        DB_API_STATEMENT_TIMEOUT_MS: String(API_TIMEOUTS.statement), DB_API_LOCK_TIMEOUT_MS: String(API_TIMEOUTS.lock),
        DB_WORKER_STATEMENT_TIMEOUT_MS: String(WORKER_TIMEOUTS.statement), DB_WORKER_LOCK_TIMEOUT_MS: String(WORKER_TIMEOUTS.lock),
      },
      { api: { DATABASE_URL: bouncer.url('api') }, worker: { DATABASE_URL: bouncer.url('worker') } },
    );
  }, 120_000);

  afterAll(async () => {
    await d?.stop();
    await bouncer?.stop();
    await database?.drop();
  });

  /**
   * Every advisory lock released once the work is done (a planner may still hold one for a moment
   * after marking the version planned); a session lock taken through PgBouncer would stay held by
   * one of its server connections.
   */
  const noAdvisoryLocks = () =>
    waitFor(async () => {
      const held = await d.rows(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
      return held.length === 0;
    }, 'every advisory lock to be released', 30_000);

  it('should find the timeouts of each role on the server, as the connect_query sets them', async () => {
    const timeouts = (p: ServiceProcess) => p.waitFor((l) => l.msg === 'database timeouts from the server');
    expect(await timeouts(d.api)).toMatchObject({ statementMs: API_TIMEOUTS.statement, lockMs: API_TIMEOUTS.lock });
    expect(await timeouts(d.worker)).toMatchObject({ statementMs: WORKER_TIMEOUTS.statement, lockMs: WORKER_TIMEOUTS.lock });
    expect([...d.api.lines, ...d.worker.lines].filter((l) => l.level === 'warn' && /timeout/.test(String(l.msg)))).toEqual([]);
  });

  it('should import through it, leaving no setting of the import on the server connections', async () => {
    await d.seed(SUBSCRIBERS);
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
      const defaultWorkMem = (await d.rows<{ w: string }>(`SELECT current_setting('work_mem') AS w`))[0].w;
      expect(seen.map((s) => [s.work_mem, s.st])).toEqual([[defaultWorkMem, '21s'], [defaultWorkMem, '21s']]);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('should send the notices, apply their receipts, and re-plan changes without leaving a lock behind', async () => {
    const id = await d.declare();
    await d.settled(id, SUBSCRIBERS);
    expect((await d.handedOver()).size).toBe(SUBSCRIBERS);
    await noAdvisoryLocks();
    // Changes one right after another: each is planned under the planner's lock, one planner at a time.
    for (const hours of [3, 5, 7]) {
      const res = await d.request('POST', `/v1/incidents/${id}/updates`, { etr: new Date(Date.now() + hours * 3600_000).toISOString() });
      expect(res.status).toBe(200);
    }
    await d.settled(id, SUBSCRIBERS);
    expect(d.worker.lines.filter((l) => l.msg === 'incident planned').length).toBeGreaterThanOrEqual(2);
    await noAdvisoryLocks();
  }, 240_000);

  it('should answer an SMS reply and revoke a key, each under its transaction\'s lock', async () => {
    const mo = await fetch(`http://127.0.0.1:${d.simHttp}/mo`, { method: 'POST', body: JSON.stringify({ from: '+79133000007', to: 'Outages', text: 'STATUS' }) });
    expect(mo.status).toBe(202);
    await waitFor(async () => (await d.rows<{ state: string }>(`SELECT state FROM inbound_replies`))[0]?.state === 'delivered', 'the answer to be delivered', 60_000);

    const created = await d.request('POST', '/v1/api-keys', { name: 'temporary', role: 'noc' });
    expect(created.status).toBe(201);
    expect((await d.request('DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(200);
    await noAdvisoryLocks();
  }, 90_000);
});
