import { randomBytes } from 'crypto';
import { TestApi } from '../support/api';
import { freePort, PeerProcess, RedisServer, ServiceProcess, TcpProxy } from '../support/processes';
import { seedTopology, SUBSCRIBERS } from '../support/topology';
import { waitFor } from '../support/wait';

/**
 * A process asked to stop stops, whatever its dependencies are doing: the built api and worker
 * (`node dist/src/main.js`) as real processes, each given SIGTERM while a dependency of theirs is
 * killed or hung (SIGSTOP: the kernel still accepts connections, nobody answers). The dependencies
 * are processes of this test: a Redis server, a TCP relay in front of PostgreSQL, the SMSC
 * simulator and the SMTP sink. Every line either process writes must be one JSON object.
 */

const GRACE_SECONDS = 2;
/** The promise: the grace period for running jobs plus five seconds. */
const STOP_BOUND_MS = (GRACE_SECONDS + 5) * 1000;

describe('stopping a process whose dependency is gone', () => {
  let redis: RedisServer;
  let pg: TcpProxy;
  let sim: PeerProcess;
  let sink: PeerProcess;
  let api: TestApi;
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    api = await TestApi.start({ REDIS_URL: redis.url, QUEUE_PREFIX: prefix });
    pg = await TcpProxy.start(Number(new URL(api.database.url).port));
    sim = await PeerProcess.start('smsc-simulator', { SMSC_SIM_PORT: '0', SMSC_SIM_HTTP_PORT: '0' }, /SMPP on (\d+)/);
    sink = await PeerProcess.start('smtp-sink', { SMTP_SINK_PORT: '0', SMTP_SINK_HTTP_PORT: '0' }, /SMTP on (\d+)/);
    // Night or day where the test runs, every subscriber may be texted at once.
    const allDay = Object.fromEntries(Object.keys(SUBSCRIBERS).map((k) => [k, { flags: ['24x7'] }]));
    await seedTopology(api, allDay);
  });

  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await Promise.all([pg?.stop(), sim?.stop(), sink?.stop()]);
    await api?.stop();
    await redis?.kill();
  });

  async function start(role: 'api' | 'worker'): Promise<ServiceProcess> {
    const database = new URL(api.database.url);
    database.port = String(pg.port);
    const proc = new ServiceProcess(role, {
      NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: String(await freePort()), DATABASE_URL: database.toString(), REDIS_URL: redis.url, QUEUE_PREFIX: prefix,
      SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS), DISPATCH_INTERVAL_MS: '200',
      SMSC_HOST: '127.0.0.1', SMSC_PORT: String(sim.port), SMSC_SYSTEM_ID: 'outage', SMSC_PASSWORD: 'secret', SMSC_MAX_RATE: '0',
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port), SMTP_STARTTLS: 'off',
    }, { captureStderr: true });
    running.push(proc);
    return proc;
  }

  const started = (proc: ServiceProcess) => proc.waitFor((l) => l.msg === (proc.role === 'api' ? 'api listening' : 'worker started'));

  /** SIGTERM, then the exit within the bound; every line written was JSON. */
  async function expectStopsInTime(proc: ServiceProcess): Promise<void> {
    proc.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), STOP_BOUND_MS)));
    const outcome = await Promise.race([proc.exited, late]);
    clearTimeout(timer);
    expect(outcome).not.toBe('still running');
    expect(proc.lines.some((l) => l.msg === 'stopping')).toBe(true);
    expect(proc.notJson).toEqual([]);
  }

  /** A delivery batch holds its claim in an open transaction while its channel works. */
  const batchInFlight = async () =>
    Number((await api.db.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'`))[0].n) > 0;

  async function declare(title: string) {
    const res = await api.post('/v1/incidents', { title, kind: 'outage', scope: { areaCodes: ['RU'] } });
    expect(res.status).toBe(201);
    return res.body.id as number;
  }

  it('should stop a worker when Redis has been killed', async () => {
    const worker = await start('worker');
    await started(worker);
    await redis.kill();
    try {
      await worker.waitFor((l) => l.msg === 'redis connection error');
      await expectStopsInTime(worker);
    } finally {
      await redis.restart();
    }
  });

  it('should stop a worker when Redis hangs', async () => {
    const worker = await start('worker');
    await started(worker);
    redis.signal('SIGSTOP');
    try {
      await expectStopsInTime(worker);
    } finally {
      redis.signal('SIGCONT');
    }
  });

  it('should stop a worker when PostgreSQL hangs', async () => {
    const worker = await start('worker');
    await started(worker);
    pg.signal('SIGSTOP');
    try {
      await expectStopsInTime(worker);
    } finally {
      pg.signal('SIGCONT');
    }
  });

  it('should stop a worker whose texts wait on an SMSC that hangs', async () => {
    const worker = await start('worker');
    await worker.waitFor((l) => l.msg === 'bound');
    sim.signal('SIGSTOP');
    try {
      await declare('SMSC hangs');
      await waitFor(batchInFlight, 'a delivery batch waiting on its channel', 30_000);
      await expectStopsInTime(worker);
    } finally {
      sim.signal('SIGCONT');
    }
  });

  it('should stop a worker whose emails wait on a relay that hangs', async () => {
    sink.signal('SIGSTOP');
    const worker = await start('worker');
    try {
      await started(worker);
      await declare('Relay hangs');
      await waitFor(batchInFlight, 'a delivery batch waiting on its channel', 30_000);
      await expectStopsInTime(worker);
    } finally {
      sink.signal('SIGCONT');
    }
  });

  it('should stop the api when Redis has been killed, writing only JSON lines', async () => {
    const proc = await start('api');
    await started(proc);
    await redis.kill();
    try {
      await proc.waitFor((l) => l.msg === 'redis connection error');
      await expectStopsInTime(proc);
    } finally {
      await redis.restart();
    }
  });

  it('should stop the api when PostgreSQL hangs', async () => {
    const proc = await start('api');
    await started(proc);
    pg.signal('SIGSTOP');
    try {
      await expectStopsInTime(proc);
    } finally {
      pg.signal('SIGCONT');
    }
  });
});
