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
const PROMISED_SECONDS = GRACE_SECONDS + 5;
/**
 * How long the test waits for the exit: generous, as the machine may be loaded (a starved process
 * acts on its signal and its timers late); the bound itself is the one the process says it keeps.
 */
const EXIT_WAIT_MS = 30_000;
const AT_DEADLINE = 'still closing at the shutdown deadline; exiting';

// Each test starts a built service and waits for it to stop: slow on a loaded machine.
jest.setTimeout(120_000);

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

  /** SIGTERM, then the exit, a shutdown deadline within the promise; every line written was JSON. */
  async function expectStopsInTime(proc: ServiceProcess): Promise<void> {
    proc.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), EXIT_WAIT_MS)));
    const code = await Promise.race([proc.exited, late]);
    clearTimeout(timer);
    expect(proc.lines.find((l) => l.msg === 'stopping')).toMatchObject({ signal: 'SIGTERM', graceSeconds: GRACE_SECONDS });
    expect(code).not.toBe('still running');
    for (const cut of proc.lines.filter((l) => l.msg === AT_DEADLINE)) expect(cut.seconds).toBeLessThanOrEqual(PROMISED_SECONDS);
    expect(proc.notJson).toEqual([]);
    // Nothing the shutdown itself cut off (a command pending on a connection it closed) ends the process as a crash.
    expect(proc.lines.filter((l) => l.level === 'fatal').map((l) => l.msg)).toEqual([]);
  }

  /** A delivery batch holds its claim in an open transaction while its channel works. */
  const batchInFlight = async () =>
    Number((await api.db.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'`))[0].n) > 0;

  async function declare(title: string) {
    const res = await api.post('/v1/incidents', { title, kind: 'outage', scope: { areaCodes: ['RU'] } });
    expect(res.status).toBe(201);
    return res.body.id as number;
  }

  /** Runs `work` with `dependency` hung (SIGSTOP), and lets it go on afterwards whatever happened. */
  async function whileHung(dependency: { signal(s: NodeJS.Signals): void }, work: () => Promise<void>): Promise<void> {
    dependency.signal('SIGSTOP');
    try {
      await work();
    } finally {
      dependency.signal('SIGCONT');
    }
  }

  /** Kills Redis, waits until `proc` has noticed, stops it; Redis comes back afterwards. */
  async function expectStopsWithRedisKilled(proc: ServiceProcess): Promise<void> {
    await started(proc);
    await redis.kill();
    try {
      await proc.waitFor((l) => l.msg === 'redis connection error');
      await expectStopsInTime(proc);
    } finally {
      await redis.restart();
    }
  }

  /** Stops `proc` with the whole of a declare's send-out waiting on a hung channel peer. */
  async function expectStopsWithBatchStuck(proc: ServiceProcess, peer: PeerProcess, title: string): Promise<void> {
    await whileHung(peer, async () => {
      await declare(title);
      await waitFor(batchInFlight, 'a delivery batch waiting on its channel', 30_000);
      await expectStopsInTime(proc);
    });
  }

  it('should stop a worker when Redis has been killed', async () => {
    await expectStopsWithRedisKilled(await start('worker'));
  });

  it('should stop a worker when Redis hangs', async () => {
    const worker = await start('worker');
    await started(worker);
    await whileHung(redis, () => expectStopsInTime(worker));
  });

  it('should stop a worker signalled before it has started (Redis hangs: its start-up cannot finish)', async () => {
    await whileHung(redis, async () => {
      const worker = await start('worker');
      // Bound to the SMSC: its start-up hooks are running, and those that need Redis wait.
      await worker.waitFor((l) => l.msg === 'bound');
      await expectStopsInTime(worker);
    });
  });

  it('should stop a worker when PostgreSQL hangs', async () => {
    const worker = await start('worker');
    await started(worker);
    await whileHung(pg, () => expectStopsInTime(worker));
  });

  it('should stop a worker whose texts wait on an SMSC that hangs', async () => {
    const worker = await start('worker');
    await worker.waitFor((l) => l.msg === 'bound');
    await expectStopsWithBatchStuck(worker, sim, 'SMSC hangs');
  });

  it('should stop a worker whose emails wait on a relay that hangs', async () => {
    const worker = await start('worker');
    await started(worker);
    await expectStopsWithBatchStuck(worker, sink, 'Relay hangs');
  });

  it('should stop the api when Redis has been killed, writing only JSON lines', async () => {
    await expectStopsWithRedisKilled(await start('api'));
  });

  it('should stop the api when PostgreSQL hangs', async () => {
    const proc = await start('api');
    await started(proc);
    await whileHung(pg, () => expectStopsInTime(proc));
  });
});
