import { randomBytes } from 'crypto';
import { TestApi } from '../support/api';
import { freePort, PeerProcess, ServiceProcess } from '../support/processes';
import { seedTopology } from '../support/topology';
import { waitFor } from '../support/wait';

/**
 * Two SMSCs, two simulator processes over real TCP, one built worker routing between them
 * (SMSC_ROUTES). Both simulators number their message ids alike, so receipts only find the
 * right parts when matched per SMSC. Then one simulator is killed: its share goes to the other
 * after SMSC_RETRY_BUDGET_SECONDS, every subscriber told once, no try used up.
 */

const PER_AREA = 40;
const BUDGET_S = 2;

interface Sim {
  name: string;
  process: PeerProcess;
  http: number;
}

describe('several SMSCs', () => {
  let api: TestApi;
  let worker: ServiceProcess;
  let metricsPort: number;
  const sims: Sim[] = [];
  const prefix = `test-${randomBytes(4).toString('hex')}`;

  async function startSimulator(name: string): Promise<Sim> {
    const http = await freePort();
    const process = await PeerProcess.start(
      'smsc-simulator',
      { SMSC_SIM_PORT: String(await freePort()), SMSC_SIM_HTTP_PORT: String(http), SMSC_SIM_RECEIPT_DELAY_MS: '100', SMSC_SIM_OUTCOMES: 'DELIVRD=100' },
      /SMPP on (\d+)/,
    );
    return { name, process, http };
  }

  beforeAll(async () => {
    api = await TestApi.start({ QUEUE_PREFIX: prefix });
    sims.push(await startSimulator('smsc-a'), await startSimulator('smsc-b'));
    await seedTopology(api);
    // Subscribers of their own, reachable by SMS only and at any hour (the test runs day or night).
    const header = 'externalId,name,phone,tier,flags,areaCode,sms,emailConsent';
    const rows = ['DIST-A1b', 'DIST-B1a'].flatMap((area, n) =>
      Array.from({ length: PER_AREA }, (_, i) => `R-${n}-${i},Subscriber ${i},+7913${String(3_000_000 + n * 1000 + i)},residential,24x7,${area},true,false`),
    );
    const res = await api.request('POST', '/v1/imports/subscribers', { raw: [header, ...rows].join('\n'), contentType: 'text/csv' });
    expect(res.status).toBe(200);
    metricsPort = await freePort();
    worker = new ServiceProcess('worker', {
      NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: api.database.url, QUEUE_PREFIX: prefix, CHANNELS: 'live',
      DISPATCH_INTERVAL_MS: '200', DELIVERY_BATCH_SIZE: '10', WORKER_METRICS_PORT: String(metricsPort),
      SMSC_SYSTEM_ID: 'outage', SMSC_PASSWORD: 'secret', SMSC_RETRY_BUDGET_SECONDS: String(BUDGET_S),
      SMSC_ROUTES: JSON.stringify(sims.map((s) => ({ name: s.name, host: '127.0.0.1', port: s.process.port }))),
    });
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await Promise.all(sims.map((s) => s.process.stop()));
    await api?.stop();
  });

  /** The worker's value of a metric's series whose labels include all of `labels` (undefined until it serves /metrics). */
  async function metric(name: string, labels: Record<string, string>): Promise<number | undefined> {
    const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text(), () => '');
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  }

  /** Texts each simulator took, by destination. */
  async function handedOver(sim: Sim): Promise<Map<string, number>> {
    const list = (await (await fetch(`http://127.0.0.1:${sim.http}/messages?limit=10000`)).json()) as Array<{ to: string }>;
    const counts = new Map<string, number>();
    for (const m of list) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
    return counts;
  }

  async function declare(area: string): Promise<{ id: number; phones: string[] }> {
    const res = await api.post('/v1/incidents', { title: `Outage in ${area}`, kind: 'outage', scope: { areaCodes: [area] } });
    expect(res.status).toBe(201);
    const phones: Array<{ phone: string }> = await api.db.query(
      `SELECT s.phone FROM subscribers s JOIN areas a ON a.id = s.area_id WHERE a.code = $1 AND s.external_id LIKE 'R-%'`,
      [area],
    );
    expect(phones).toHaveLength(PER_AREA);
    return { id: res.body.id, phones: phones.map((p) => p.phone.slice(1)) };
  }

  /**
   * The texts of the test's own subscribers in the ledger: state, tries and the SMSC of their parts
   * (the seeded topology has subscribers of its own in these areas, texted only when it is day in
   * their zone).
   */
  const ledger = (incidentId: number) =>
    api.db.query(
      `SELECT m.id, m.state, m.attempts, array_agg(DISTINCT p.smsc) AS smsc
       FROM messages m JOIN subscribers s ON s.id = m.subscriber_id LEFT JOIN message_parts p ON p.message_id = m.id
       WHERE m.incident_id = $1 AND m.channel = 'sms' AND s.external_id LIKE 'R-%' GROUP BY m.id`,
      [incidentId],
    ) as Promise<Array<{ id: string; state: string; attempts: number; smsc: string[] }>>;

  it('should share texts between both SMSCs and match each receipt to the part of the SMSC that sent it', async () => {
    for (const s of sims) await waitFor(async () => (await metric('outage_smpp_bound', { smsc: s.name })) === 1, `a bind to ${s.name}`, 60_000);
    const { id, phones } = await declare('DIST-A1b');
    const counts = await waitFor(async () => {
      const [a, b] = await Promise.all(sims.map(handedOver));
      return phones.every((p) => (a.get(p) ?? 0) + (b.get(p) ?? 0) > 0) && [a, b];
    }, 'every subscriber texted by one SMSC or the other', 60_000);
    const [a, b] = counts.map((c) => phones.filter((p) => c.has(p)).length);
    process.stdout.write(`smsc-a took ${a}, smsc-b took ${b} of ${phones.length}\n`);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(a + b).toBe(phones.length);

    // Both simulators give ids from the same counter: delivered only if each receipt found its own SMSC's part.
    const rows = await waitFor(async () => {
      const r = await ledger(id);
      return r.length === phones.length && r.every((m) => m.state === 'delivered') && r;
    }, 'every text delivered per its receipt', 60_000);
    expect(rows.filter((m) => m.smsc[0] === 'smsc-a')).toHaveLength(a);
    expect(rows.filter((m) => m.smsc[0] === 'smsc-b')).toHaveLength(b);
    for (const s of sims) {
      expect(await metric('outage_smpp_submit_seconds_count', { smsc: s.name })).toBeGreaterThan(0);
      expect(await metric('outage_smpp_receipt_lag_seconds_count', { smsc: s.name })).toBeGreaterThan(0);
    }
  }, 180_000);

  it('should send the texts of an SMSC that is gone through the other once the retry budget is spent, each once and without using a try', async () => {
    const [gone, left] = sims;
    gone.process.signal('SIGKILL');
    await gone.process.exited;
    await waitFor(async () => (await metric('outage_smpp_bound', { smsc: gone.name })) === 0, `the worker to see ${gone.name} gone`, 30_000);

    const { id, phones } = await declare('DIST-B1a');
    const counts = await waitFor(async () => {
      const c = await handedOver(left);
      return phones.every((p) => c.has(p)) && c;
    }, `every subscriber texted through ${left.name}`, 120_000);
    expect(phones.filter((p) => counts.get(p) !== 1)).toEqual([]);

    const rows = await waitFor(async () => {
      const r = await ledger(id);
      return r.length === phones.length && r.every((m) => m.state === 'delivered') && r;
    }, 'every text delivered', 60_000);
    expect(rows.filter((m) => m.attempts !== 1 || m.smsc.join() !== left.name)).toEqual([]);
    const [{ n }] = await api.db.query(`SELECT count(*)::int AS n FROM notification_threads t JOIN subscribers s ON s.id = t.subscriber_id
       WHERE t.incident_id = $1 AND t.last_error IS NOT NULL AND s.external_id LIKE 'R-%'`, [id]);
    expect(n).toBe(0);
    expect(await metric('outage_smpp_reconnects_total', { smsc: gone.name })).toBeGreaterThan(0);
  }, 240_000);
});
