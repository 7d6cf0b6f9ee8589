import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { TestDatabase } from './db';
import { freePort, PeerProcess, ServiceProcess } from './processes';
import { waitFor } from './wait';

export const DEPLOYMENT_KEY = 'deployment-admin-key-0123456789abcdef';

/**
 * The built api and worker as processes over a test database, texting over SMPP to the SMSC
 * simulator (every text delivered, its receipt 100 ms after it), as a deployment runs them: the tests of the
 * managed forms of PostgreSQL and Redis point them at PgBouncer, a Redis Cluster, a Sentinel.
 */
export class Deployment {
  private constructor(
    readonly api: ServiceProcess,
    readonly worker: ServiceProcess,
    private readonly sim: PeerProcess,
    readonly simHttp: number,
    readonly apiUrl: string,
    /** Straight to PostgreSQL, for the assertions. */
    readonly db: Client,
  ) {}

  /** `env` for both roles (REDIS_URL and a fresh QUEUE_PREFIX unless given), then each role's own. */
  static async start(database: TestDatabase, env: Record<string, string>, own: { api?: Record<string, string>; worker?: Record<string, string> } = {}): Promise<Deployment> {
    const simHttp = await freePort();
    const sim = await PeerProcess.start('smsc-simulator', { SMSC_SIM_PORT: '0', SMSC_SIM_HTTP_PORT: String(simHttp), SMSC_SIM_RECEIPT_DELAY_MS: '100', SMSC_SIM_OUTCOMES: 'DELIVRD=100' }, /SMPP on (\d+)/);
    const port = await freePort();
    const common = {
      NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: database.url, REDIS_URL: process.env.REDIS_URL!, QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      ADMIN_API_KEY: DEPLOYMENT_KEY, DISPATCH_INTERVAL_MS: '200', DELIVERY_BATCH_SIZE: '20', CHANNELS: 'live',
      SMSC_HOST: '127.0.0.1', SMSC_PORT: String(sim.port), SMSC_SYSTEM_ID: 'outage', SMSC_PASSWORD: 'secret', SMSC_MAX_RATE: '0',
      ...env,
    };
    const api = new ServiceProcess('api', { ...common, PORT: String(port), ...own.api });
    const worker = new ServiceProcess('worker', { ...common, ...own.worker });
    const db = new Client({ connectionString: database.url });
    await db.connect();
    const deployment = new Deployment(api, worker, sim, simHttp, `http://127.0.0.1:${port}`, db);
    try {
      await Promise.all([api.waitFor((l) => l.msg === 'api listening'), worker.waitFor((l) => l.msg === 'bound')]);
    } catch (e) {
      await deployment.stop();
      throw e;
    }
    return deployment;
  }

  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: any }> {
    const res = await fetch(this.apiUrl + path, {
      method,
      headers: { authorization: `Bearer ${DEPLOYMENT_KEY}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => undefined) };
  }

  async rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query(sql, params)).rows as T[];
  }

  /** One area and `count` subscribers in it through the import, texted at any hour (24/7) and by SMS only. */
  async seed(count: number): Promise<void> {
    const area = await this.request('POST', '/v1/areas', { code: 'RU', name: 'Russia', timezone: 'Europe/Moscow' });
    if (area.status !== 201) throw new Error(`area: ${area.status} ${JSON.stringify(area.body)}`);
    const csv = ['externalId,name,phone,tier,flags,areaCode,sms,emailConsent',
      ...Array.from({ length: count }, (_, i) => `P-${i},Subscriber ${i},+7913${String(3_000_000 + i)},residential,24x7,RU,true,false`)].join('\n');
    const res = await this.request('POST', '/v1/imports/subscribers', csv, 'text/csv');
    if (res.status !== 200 || res.body.inserted !== count) throw new Error(`import: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async declare(): Promise<number> {
    const res = await this.request('POST', '/v1/incidents', { title: 'Fibre cut', kind: 'outage', scope: { areaCodes: ['RU'] } });
    if (res.status !== 201) throw new Error(`declare: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  /** Waits until the incident's last change is planned, `told` subscribers have texts whose receipts are all applied, and nothing is due now. */
  async settled(id: number, told: number): Promise<void> {
    await waitFor(async () => {
      const [r] = await this.rows<{ unplanned: boolean; told: number; waiting: number; due: number }>(
        `SELECT i.planned_version < i.version AS unplanned,
                (SELECT count(DISTINCT m.subscriber_id)::int FROM messages m WHERE m.incident_id = i.id AND m.channel = 'sms') AS told,
                (SELECT count(*)::int FROM messages m WHERE m.incident_id = i.id AND m.state NOT IN ('delivered', 'undeliverable', 'expired')) AS waiting,
                (SELECT count(*)::int FROM notification_threads t WHERE t.incident_id = i.id AND t.state <> 'idle' AND t.send_after <= now()) AS due
         FROM incidents i WHERE i.id = $1`,
        [id],
      );
      return !r.unplanned && r.told === told && r.waiting === 0 && r.due === 0;
    }, 'every text to have its receipt applied and nothing left due', 120_000);
  }

  /** The distinct numbers the simulator took texts for. */
  async handedOver(): Promise<Set<string>> {
    const list = (await (await fetch(`http://127.0.0.1:${this.simHttp}/messages?limit=10000`)).json()) as Array<{ to: string }>;
    return new Set(list.map((m) => m.to));
  }

  async stop(): Promise<void> {
    await Promise.all([this.api.stop(), this.worker.stop(), this.sim.stop()]);
    await this.db.end();
  }
}
