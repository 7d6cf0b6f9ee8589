import { randomBytes } from 'crypto';
import { startSmtpSink, SmtpSink } from '../../src/peers/smtp-sink/smtp-sink';
import { TestApi } from '../support/api';
import { metricNames, PROMETHEUS_OWN, scrape, Scrape, shippedQueries } from '../support/metrics';
import { freePort, PeerProcess, ServiceProcess } from '../support/processes';
import { seedTopology } from '../support/topology';
import { waitFor } from '../support/wait';

/** "HH:MM" in UTC, `hours` from now. */
const utcClock = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString().slice(11, 16);

/**
 * The metrics of a running api and worker (the built worker as a process of its own, over the SMSC
 * simulator as a process and a real SMTP relay), before and after an incident is declared: the
 * counters and histograms of every stage move, and every metric the shipped dashboards and alert
 * rules read is in one scrape or the other.
 */
describe('metrics of a running api and worker', () => {
  let api: TestApi;
  let worker: ServiceProcess;
  let sim: PeerProcess;
  let sink: SmtpSink;
  let workerMetrics: string;
  let before: Scrape;

  beforeAll(async () => {
    api = await TestApi.start({ QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}` });
    sink = await startSmtpSink({ host: '127.0.0.1' });
    sim = await PeerProcess.start('smsc-simulator', { SMSC_SIM_PORT: '0', SMSC_SIM_HTTP_PORT: '0', SMSC_SIM_RECEIPT_DELAY_MS: '100', SMSC_SIM_OUTCOMES: 'DELIVRD=100' }, /SMPP on (\d+)/);
    // Four awake (quiet hours later today, UTC) and one asleep now: its text waits for morning.
    const awake = { timezone: 'UTC', quietHours: { start: utcClock(3), end: utcClock(4) } };
    await seedTopology(api, { s1: awake, s2: awake, s3: awake, s4: awake, s5: { timezone: 'UTC', quietHours: { start: utcClock(-1), end: utcClock(2) } } });
    const port = await freePort();
    workerMetrics = `http://127.0.0.1:${port}/metrics`;
    worker = new ServiceProcess('worker', {
      NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: api.database.url, QUEUE_PREFIX: process.env.QUEUE_PREFIX!,
      WORKER_METRICS_PORT: String(port), DISPATCH_INTERVAL_MS: '200', CHANNELS: 'live',
      SMSC_HOST: '127.0.0.1', SMSC_PORT: String(sim.port), SMSC_SYSTEM_ID: 'outage', SMSC_PASSWORD: 'secret',
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.smtpPort),
    });
    await worker.waitFor((l) => l.msg === 'worker metrics listening');
    await worker.waitFor((l) => l.msg === 'bound');
    before = await scrape(workerMetrics);
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await sink?.stop();
    await api?.app.close();
  });

  it('should count a declared incident through every stage, in the worker and in the api', async () => {
    const declared = await api.post('/v1/incidents', { title: 'Fibre cut', kind: 'outage', severity: 'critical', scope: { areaCodes: ['RU'] } });
    expect(declared.status).toBe(201);
    const incident = { kind: 'outage', severity: 'critical' };

    // Every awake subscriber's notice accepted (SMS and email), receipts back, and the KPI's moment reached.
    // (The awake subscribers' texts: not the sleeper's, whose quiet hours hold it back.)
    let last: Scrape | undefined;
    const after = await waitFor(async () => {
      const s = (last = await scrape(workerMetrics));
      return s.sum('outage_messages_total', { channel: 'sms', kind: 'notice', outcome: 'delivered' }) >= 4 &&
        s.sum('outage_incident_awake_notified_seconds_count', incident) === 1 && s;
    }, 'the awake to be told and their texts delivered', 90_000).catch((e) => {
      process.stdout.write(`${last?.text.split('\n').filter((l) => /^outage_(messages|incident|sms)/.test(l)).join('\n')}\n`);
      throw e;
    });

    const moved = (name: string, labels: Record<string, string> = {}) => after.sum(name, labels) - before.sum(name, labels);
    // Email goes at any hour: the sleeper's too.
    for (const [channel, told] of [['sms', 4], ['email', 5]] as const) {
      expect(moved('outage_messages_total', { channel, kind: 'notice', outcome: 'handed_over' })).toBe(told);
      expect(moved('outage_messages_total', { channel, kind: 'notice', outcome: 'accepted' })).toBe(told);
      for (const phase of ['claim', 'decide', 'send', 'record']) {
        expect(moved('outage_delivery_batch_phase_seconds_count', { channel, phase })).toBeGreaterThan(0);
      }
    }
    expect(moved('outage_messages_total', { channel: 'sms', kind: 'notice', outcome: 'failed' })).toBe(0);
    expect(moved('outage_incident_first_message_seconds_count', incident)).toBe(1);
    expect(after.sum('outage_incident_first_message_seconds_sum', incident)).toBeGreaterThan(0);
    expect(moved('outage_planning_seconds_count', { kind: 'outage' })).toBeGreaterThanOrEqual(1);
    expect(moved('outage_smtp_send_seconds_count', { result: 'accepted' })).toBe(5);
    expect(after.sum('outage_smtp_pool_connections', { state: 'max' })).toBe(5);
    expect(after.sum('outage_smtp_relay_unreachable')).toBe(0);
    expect(moved('outage_sms_receipts_total', { result: 'matched' })).toBeGreaterThanOrEqual(4);
    expect(after.sum('outage_redis_up')).toBe(1);
    expect(after.sum('outage_smpp_bound')).toBeGreaterThanOrEqual(1);
    expect(moved('outage_smpp_submit_seconds_count')).toBeGreaterThanOrEqual(4);
    expect(moved('outage_smpp_receipt_lag_seconds_count')).toBeGreaterThanOrEqual(4);
    expect(after.samples.some((s) => s.name === 'outage_queue_jobs' && s.labels.queue === 'deliveries-sms' && s.labels.state === 'waiting')).toBe(true);

    // The api: counted from the ledger, once the plan is in it (its summary is kept for 30 s).
    await waitFor(async () => {
      const [{ n }] = await api.db.query(`SELECT count(*)::int AS n FROM incidents WHERE planned_version >= 1`);
      return n === 1;
    }, 'the incident to be planned');
    const apiScrape = await scrape(`${api.baseUrl}/metrics`);
    expect(apiScrape.sum('outage_incidents_open', { ...incident, status: 'investigating' })).toBe(1);
    expect(apiScrape.sum('outage_subscribers_waiting_for_morning', { ...incident, wakes_in: '3h' })).toBe(1);
    expect(apiScrape.sum('outage_subscribers_waiting_for_morning')).toBe(1);
    expect(apiScrape.samples.filter((s) => s.name === 'outage_threads_due').map((s) => s.labels.channel).sort()).toEqual(['email', 'sms']);
    expect(apiScrape.sum('outage_redis_up')).toBe(1);

    // Every metric the dashboards and alert rules read is served by one role or the other.
    const missing = shippedQueries().flatMap(({ where, expr }) =>
      metricNames(expr).filter((n) => !PROMETHEUS_OWN.includes(n) && !after.has(n) && !apiScrape.has(n)).map((name) => ({ name, where })));
    expect(missing).toEqual([]);
    expect(shippedQueries().length).toBeGreaterThan(10);
  }, 150_000);
});
