import { randomBytes } from 'crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import { join } from 'path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/options';
import { ChildSpec, Supervisor } from './processes';
import { seedDemo } from './seed';
import { runStory } from './story';

/**
 * `npm run demo`: migrate, start the service's processes, seed, declare a sample incident
 * (story.ts), print where to look, and stay up until Ctrl-C. Run from the repository root after
 * a build (scripts/demo.sh does both).
 *
 * Later parts of the product slot in as further child processes (demoProcesses) and further
 * steps after readiness (DEMO_STEPS); each step returns the lines it wants in the banner.
 */

const DATA_DIR = join(process.cwd(), '.data');
const ADMIN_KEY_FILE = join(DATA_DIR, 'demo-admin-key');
const DEFAULT_PORT = 3000;
const DEFAULT_WORKER_METRICS_PORT = 9464;
const DEFAULT_SUBSCRIBERS = 50_000;

export interface DemoContext {
  baseUrl: string;
  adminKey: string;
  databaseUrl: string;
  subscribers: number;
  supervisor: Supervisor;
  /** The environment the api and worker run with. */
  env: NodeJS.ProcessEnv;
  /** The two local SMSCs texts are routed between (SMSC_ROUTES). */
  smscs: DemoSmsc[];
  smtpInboxUrl: string;
  log: (line: string) => void;
}

export interface DemoSmsc {
  name: string;
  smpp: number;
  http: number;
  messagesUrl: string;
}

export interface DemoStep {
  title: string;
  run(ctx: DemoContext): Promise<string[]>;
}

const log = (line: string) => process.stdout.write(`\x1b[1m[demo]\x1b[0m   ${line}\n`);

/** The admin key from ADMIN_API_KEY, else one generated once and kept in .data/ so it survives restarts. */
function adminKey(): string {
  if (process.env.ADMIN_API_KEY?.trim()) return process.env.ADMIN_API_KEY.trim();
  if (existsSync(ADMIN_KEY_FILE)) return readFileSync(ADMIN_KEY_FILE, 'utf8').trim();
  mkdirSync(DATA_DIR, { recursive: true });
  const key = `demo_${randomBytes(24).toString('base64url')}`;
  writeFileSync(ADMIN_KEY_FILE, key + '\n', { mode: 0o600 });
  chmodSync(ADMIN_KEY_FILE, 0o600);
  return key;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/** PORT (default 3000) when free, otherwise any free port. */
async function choosePort(): Promise<number> {
  const wanted = Number(process.env.PORT || DEFAULT_PORT);
  if (await portIsFree(wanted)) return wanted;
  const port = await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const p = (server.address() as { port: number }).port;
      server.close(() => resolve(p));
    });
  });
  log(`port ${wanted} is taken, using ${port}`);
  return port;
}

async function migrate(): Promise<void> {
  const ds = new DataSource({ ...dataSourceOptions(), entities: [] });
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    log(applied.length ? `applied migrations: ${applied.map((m) => m.name).join(', ')}` : 'database schema is up to date');
  } finally {
    await ds.destroy();
  }
}

function demoProcesses(env: NodeJS.ProcessEnv, roles: string[]): ChildSpec[] {
  const main = join(__dirname, '..', 'main.js');
  return roles.map((role) => ({ name: role, command: process.execPath, args: [main, role], env }));
}

async function waitReady(baseUrl: string, supervisor: Supervisor, deadlineMs = 90_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (!supervisor.running('api')) throw new Error('the api process exited before it became ready');
    const res = await fetch(`${baseUrl}/health/ready`).catch(() => undefined);
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${baseUrl}/health/ready did not turn green within ${deadlineMs / 1000} s`);
}

const seedStep: DemoStep = {
  title: 'seed the demo operator',
  async run(ctx) {
    const r = await seedDemo({ baseUrl: ctx.baseUrl, adminKey: ctx.adminKey, databaseUrl: ctx.databaseUrl, subscribers: ctx.subscribers, log: ctx.log });
    return [`Data (${r.via}): ${r.areas} areas, ${r.elements} network elements, ${r.subscribers.toLocaleString('en')} subscribers, ${r.managers} outage managers`];
  },
};

const storyStep: DemoStep = {
  title: 'declare the sample incident',
  run: (ctx) => runStory({ ...ctx, config: loadConfig(ctx.env) }),
};

const DEMO_STEPS: DemoStep[] = [seedStep, storyStep];

async function apiPaths(baseUrl: string): Promise<Set<string>> {
  const res = await fetch(`${baseUrl}/docs-json`).catch(() => undefined);
  return new Set(res?.ok ? Object.keys(((await res.json()) as { paths?: object }).paths ?? {}) : []);
}

/** Where to look and what to try; examples only for endpoints this build actually serves. */
async function banner(ctx: DemoContext, lines: string[]): Promise<string> {
  const { baseUrl, adminKey: key } = ctx;
  const paths = await apiPaths(baseUrl);
  const auth = `-H "Authorization: Bearer ${key}"`;
  const db = new URL(ctx.databaseUrl);
  db.password = db.password ? '***' : '';
  const examples = [
    `curl -s ${baseUrl}/health/ready`,
    `curl -s ${auth} ${baseUrl}/v1/areas/RU-SIB-C01`,
    `curl -s ${auth} ${baseUrl}/v1/network-elements/CORE-SIB`,
    `curl -s ${auth} ${baseUrl}/v1/outage-managers`,
    `curl -s ${auth} ${baseUrl}/v1/subscribers/1`,
  ];
  if (paths.has('/v1/incidents/preview')) {
    examples.push(`curl -s ${auth} -H 'Content-Type: application/json' -d '{"scope":{"areaCodes":["RU-SIB"]}}' ${baseUrl}/v1/incidents/preview`);
  }
  const rule = '='.repeat(78);
  return [
    '',
    rule,
    '  Outage Notifier demo is running',
    rule,
    `  Processes:  api (HTTP on ${baseUrl}) and worker (job processors)`,
    `  PostgreSQL: ${db.host}${db.pathname}    Redis: ${new URL(process.env.REDIS_URL ?? 'redis://?').host}`,
    ...lines.map((l) => `  ${l}`),
    '',
    `  Admin API key: ${key}`,
    `                 (${process.env.ADMIN_API_KEY ? 'from ADMIN_API_KEY' : 'generated once, kept in .data/demo-admin-key'})`,
    '',
    `  Console                ${baseUrl}/console   (sign in with the admin API key above)`,
    `  API docs (OpenAPI UI)  ${baseUrl}/docs`,
    `  Readiness              ${baseUrl}/health/ready`,
    `  Metrics (Prometheus)   ${baseUrl}/metrics   and the worker's: http://localhost:${ctx.env.WORKER_METRICS_PORT}/metrics`,
    `  Queues (Bull Board)    ${baseUrl}/admin/queues   (user: anything, password: the admin API key)`,
    '',
    '  Try:',
    ...examples.map((e) => `    ${e}`),
    '',
    '  Press Ctrl-C to stop (api and worker shut down gracefully).',
    rule,
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const seedOnly = argv.includes('--seed-only');
  const countArg = argv.indexOf('--subscribers');
  const subscribers = Number(countArg >= 0 ? argv[countArg + 1] : process.env.DEMO_SUBSCRIBERS || DEFAULT_SUBSCRIBERS);
  if (!Number.isInteger(subscribers) || subscribers < 1) throw new Error('--subscribers / DEMO_SUBSCRIBERS must be a positive integer');
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl || !process.env.REDIS_URL) throw new Error('DATABASE_URL and REDIS_URL must be set (scripts/demo.sh sets them)');

  const key = adminKey();
  const port = await choosePort();
  const baseUrl = `http://localhost:${port}`;
  const smscs = await smscSimulators([port]);
  const sink = await smtpSinkPorts([port, ...smscs.flatMap((s) => [s.smpp, s.http])]);
  const workerMetricsPort = await pickPort(DEFAULT_WORKER_METRICS_PORT, [port, ...smscs.flatMap((s) => [s.smpp, s.http]), sink.smtp, sink.http]);
  const env = {
    ...process.env,
    ADMIN_API_KEY: key,
    PORT: String(port),
    WORKER_METRICS_PORT: String(workerMetricsPort),
    // Two SMSC accounts, half the subscribers each; either takes the other's texts when it has no bind.
    SMSC_ROUTES: JSON.stringify(smscs.map((s) => ({ name: s.name, host: '127.0.0.1', port: s.smpp }))),
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(sink.smtp),
  };

  await migrate();

  const supervisor = new Supervisor();
  let stop!: (code: number) => void;
  const stopped = new Promise<number>((resolve) => (stop = resolve));
  let signals = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (++signals > 1) {
        log('second signal: exiting now');
        process.exit(130);
      }
      log(`${signal}: stopping`);
      stop(0);
    });
  }
  supervisor.onUnexpectedExit = (name, code) => {
    log(`${name} exited unexpectedly (code ${code}); stopping the demo`);
    stop(1);
  };

  const ctx: DemoContext = {
    baseUrl, adminKey: key, databaseUrl, subscribers, supervisor, env, log,
    smscs,
    smtpInboxUrl: `http://127.0.0.1:${sink.http}/`,
  };
  const run = async (): Promise<number> => {
    if (!seedOnly) smscs.forEach((s) => supervisor.start(smscSimulatorProcess(env, s)));
    if (!seedOnly) supervisor.start(smtpSinkProcess(env, sink));
    for (const spec of demoProcesses(env, seedOnly ? ['api'] : ['api', 'worker'])) supervisor.start(spec);
    await waitReady(baseUrl, supervisor);
    const lines: string[] = seedOnly
      ? []
      : [
          ...smscs.map((s) => `${`SMSC ${s.name}:`.padEnd(16)}SMPP on 127.0.0.1:${s.smpp}; texts it received at ${s.messagesUrl} (also /stats, POST /mo)`),
          `SMTP inbox:     ${ctx.smtpInboxUrl} (emails the sink on 127.0.0.1:${sink.smtp} received; JSON at /messages)`,
        ];
    for (const step of seedOnly ? [seedStep] : DEMO_STEPS) {
      log(`${step.title}…`);
      lines.push(...(await step.run(ctx)));
    }
    if (seedOnly) {
      lines.forEach(log);
      return 0;
    }
    process.stdout.write(await banner(ctx, lines));
    return stopped;
  };

  let code: number;
  try {
    code = await Promise.race([run(), stopped]);
  } catch (e) {
    log(`failed: ${(e as Error).message}`);
    code = 1;
  }
  await supervisor.stopAll();
  log('stopped');
  return code;
}

/** A port not in `taken`: `wanted` when it is free, else any free one. */
async function pickPort(wanted: number, taken: number[]): Promise<number> {
  const anyFreePort = () =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, () => {
        const p = (server.address() as { port: number }).port;
        server.close(() => resolve(p));
      });
    });
  if (!taken.includes(wanted) && (await portIsFree(wanted))) return wanted;
  let port = await anyFreePort();
  while (taken.includes(port)) port = await anyFreePort();
  return port;
}

/** Two local SMSCs (npm run smsc-sim), smsc-a on 2775 / 2780 and smsc-b on 2776 / 2781 when free, else on free ports. */
async function smscSimulators(taken: number[]): Promise<DemoSmsc[]> {
  const smscs: DemoSmsc[] = [];
  for (const [i, name] of ['smsc-a', 'smsc-b'].entries()) {
    const smpp = await pickPort(2775 + i, taken);
    const http = await pickPort(2780 + i, (taken = [...taken, smpp]));
    taken = [...taken, http];
    smscs.push({ name, smpp, http, messagesUrl: `http://127.0.0.1:${http}/messages` });
  }
  return smscs;
}

function smscSimulatorProcess(env: NodeJS.ProcessEnv, smsc: DemoSmsc): ChildSpec {
  const main = join(__dirname, '..', 'peers', 'smsc-simulator', 'main.js');
  return { name: smsc.name, command: process.execPath, args: [main], env: { ...env, SMSC_SIM_PORT: String(smsc.smpp), SMSC_SIM_HTTP_PORT: String(smsc.http) } };
}

/** The local SMTP relay (npm run smtp-sink) on 1025 / 1080 when free, else on free ports. */
async function smtpSinkPorts(taken: number[]): Promise<{ smtp: number; http: number }> {
  const smtp = await pickPort(1025, taken);
  const http = await pickPort(1080, [...taken, smtp]);
  return { smtp, http };
}

function smtpSinkProcess(env: NodeJS.ProcessEnv, ports: { smtp: number; http: number }): ChildSpec {
  const main = join(__dirname, '..', 'peers', 'smtp-sink', 'main.js');
  return { name: 'smtp', command: process.execPath, args: [main], env: { ...env, SMTP_SINK_PORT: String(ports.smtp), SMTP_SINK_HTTP_PORT: String(ports.http) } };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      log(`failed: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
