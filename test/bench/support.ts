import { INestApplication } from '@nestjs/common';
import { createHash } from 'crypto';
import { once } from 'events';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { Client } from 'pg';
import { connect, PDU, PduFields } from 'smpp';
import { DataSource } from 'typeorm';
import { JsonLogger } from '../../src/common/json-logger';
import { dataSourceOptions } from '../../src/database/options';
import { seedDemo } from '../../src/demo/seed';
import { createApiApp } from '../../src/http';
import { isQuietAt } from '../../src/notifications/quiet-hours';
import { encodeSms } from '../../src/sms/segmentation';
import { destinationAddress, relativeValidity, sourceAddress } from '../../src/sms/sms-addresses';
import { withDatabase } from '../support/db';
import { cpuSeconds, Watched } from '../support/processes';

export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

/** `--name value` from the command line (a number, at least `min`), else the fallback. */
export function arg(name: string, fallback: number, min = 1): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number of at least ${min}`);
  return value;
}

/**
 * A migrated database kept between runs under `name` and the checkout's migrations (a short hash of
 * their file names), so a 2M-row seed is paid once, and a checkout with other migrations (another
 * branch on the same server) gets a database of its own instead of migrating this one under it.
 */
export async function benchDatabase(base: string): Promise<string> {
  const migrations = readdirSync(join(__dirname, '..', '..', 'migrations')).filter((f) => /\.(ts|js)$/.test(f)).sort();
  const name = `${base}_${createHash('sha1').update(migrations.join('\n')).digest('hex').slice(0, 6)}`;
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL is not set: run through the npm script, which starts the servers');
  const admin = new Client({ connectionString: withDatabase(server, 'postgres') });
  await admin.connect();
  const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount === 1;
  if (!exists) await admin.query(`CREATE DATABASE "${name}"${await template(admin, base)}`);
  await admin.end();
  const url = withDatabase(server, name);
  const ds = new DataSource({ ...dataSourceOptions(url), entities: [] });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  return url;
}

/**
 * ` TEMPLATE <the largest kept database of this base>`, or nothing: a checkout with new migrations
 * starts from a copy of an older seed (seconds) and migrates it, instead of seeding 2M rows again
 * (an hour here). The seed tops up whatever the copy lacks. A template in use cannot be copied: then
 * the database starts empty.
 */
async function template(admin: Client, base: string): Promise<string> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT d.datname FROM pg_database d
     WHERE d.datname ~ ('^' || $1 || '_[0-9a-f]{6}$')
       AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)
     ORDER BY pg_database_size(d.datname) DESC LIMIT 1`,
    [base],
  );
  if (!rows.length) return '';
  console.log(`  copying the kept database ${rows[0].datname} (new migrations: it is migrated, its seed topped up)`);
  return ` TEMPLATE "${rows[0].datname}"`;
}

/** benchDatabase with the demo operator of `subscribers` seeded (once: the seed is kept). */
export async function seededDatabase(name: string, subscribers: number): Promise<string> {
  const url = await benchDatabase(name);
  const { app, baseUrl } = await startApi(url); // seeding only
  await seedDemo({ baseUrl, adminKey: BENCH_ADMIN_KEY, databaseUrl: url, subscribers, log: (l) => console.log(`  ${l}`) });
  await app.close();
  return url;
}

/**
 * Every incident and all that hangs off it gone, so a run starts from a quiet operator. A worker
 * just started may read these tables meanwhile: a deadlock with it is tried again.
 */
export async function clearIncidents(db: Client): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.query(
        `TRUNCATE incidents, incident_events, incident_impact, call_tasks, call_attempts, notification_threads, messages, message_parts, pending_receipts CASCADE`,
      );
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== '40P01' || attempt === 3) throw e;
    }
  }
}

export async function databaseMb(db: Client): Promise<number> {
  return Number((await db.query(`SELECT pg_database_size(current_database()) AS n`)).rows[0].n) / 1048576;
}

/** The real HTTP app, in this process, over `databaseUrl`. */
export async function startApi(databaseUrl: string): Promise<{ app: INestApplication; baseUrl: string }> {
  Object.assign(process.env, { DATABASE_URL: databaseUrl, ADMIN_API_KEY: BENCH_ADMIN_KEY });
  const app = await createApiApp(new JsonLogger(process.env.LOG_LEVEL ?? 'warn'));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}

export async function postJson(baseUrl: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Whether no notification thread is due now (a batch in flight keeps its threads due until it commits). */
async function nothingDue(db: Client): Promise<boolean> {
  // One range probe per (channel, priority) of the due index: a single probe would walk every future entry first.
  const { rows: [r] } = await db.query(
    `SELECT NOT EXISTS (SELECT 1 FROM (VALUES ('sms'), ('email')) c(channel), generate_series(0, 2) p(priority)
       WHERE EXISTS (SELECT 1 FROM notification_threads t WHERE t.state = 'due' AND t.channel = c.channel::notification_channel
                       AND t.priority = p.priority AND t.send_after <= now())) AS done`,
  );
  return r.done;
}

/**
 * A default quiet window (12 hours, starting on the hour) under which about `share` of the
 * subscribers are asleep now, so a benchmark's asleep share does not depend on the hour it runs.
 * Subscribers with a window of their own keep it. Returns the DEFAULT_QUIET_HOURS value and
 * the window in minutes.
 */
export async function quietWindowFor(db: Client, share: number, defaultZone: string) {
  const { rows: groups } = await db.query(
    `SELECT coalesce(s.timezone, a.effective_timezone, $1) AS tz, s.quiet_start AS qs, s.quiet_end AS qe, count(*)::int AS n
     FROM subscribers s JOIN areas a ON a.id = s.area_id GROUP BY 1, 2, 3`,
    [defaultZone],
  );
  const total = groups.reduce((sum, g) => sum + g.n, 0);
  const now = Date.now();
  const asleep = (start: number) => {
    const window = { start, end: (start + 12 * 60) % 1440 };
    return groups.reduce((sum, g) => sum + (isQuietAt(now, g.tz, g.qs === null ? window : { start: g.qs, end: g.qe }) ? g.n : 0), 0) / total;
  };
  const shares = Array.from({ length: 24 }, (_, h) => ({ start: h * 60, share: asleep(h * 60) }));
  const { start, share: chosen } = shares.reduce((best, c) => (Math.abs(c.share - share) < Math.abs(best.share - share) ? c : best));
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return { setting: `${hhmm(start)}-${hhmm((start + 720) % 1440)}`, window: { start, end: (start + 720) % 1440 }, asleep: chosen };
}

/**
 * Waits until nothing is due and `ready()` holds (say, the worker logged the plan), for an hour at
 * most. Every 2 s, not faster: after a send-out each probe reads the index entries of the threads
 * just sent, and a 250 ms poll kept a PostgreSQL backend 40 % busy.
 */
export async function untilNothingDue(db: Client, ready: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + 3_600_000;
  while (!(ready() && (await nothingDue(db)))) {
    if (Date.now() > deadline) throw new Error('threads still due after an hour');
    await new Promise((r) => setTimeout(r, 2000));
  }
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = process.hrtime.bigint();
  const result = await fn();
  return { result, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** Labels of the FAIL lines printed so far: any of them makes the process exit non-zero. */
const failed: string[] = [];
process.on('exit', (code) => {
  if (failed.length === 0) return;
  console.log(`\n${failed.length} FAIL line(s): ${failed.join('; ')}`);
  if (code === 0) process.exitCode = 1;
});

// Interrupted (Ctrl-C, a timeout's SIGTERM): the api, workers and peers it started stop too, or
// they would go on sending into the kept database and load the machine under the next run.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: stopping the processes this bench started`);
    void Watched.stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

/**
 * One line of the report: the figure, its target and whether it holds. A FAIL line, wherever it
 * is printed, makes the bench exit non-zero (and a summary of them is printed at exit).
 */
export function report(label: string, value: string, target?: { ok: boolean; text: string }): boolean {
  const verdict = target ? `${target.ok ? 'PASS' : 'FAIL'}  (target ${target.text})` : '';
  console.log(`${label.padEnd(44)} ${value.padStart(14)}  ${verdict}`);
  if (target && !target.ok) failed.push(label.trim());
  return target?.ok ?? true;
}

/** A FAIL line unless `n` is a positive finite number: a bench that measured nothing must not pass. */
export function measured(label: string, n: number, value = String(n)): boolean {
  return report(label, value, { ok: Number.isFinite(n) && n > 0, text: 'something measured' });
}

/** How many FAIL lines so far (for a bench that stops early when its measurements are void). */
export const failures = (): number => failed.length;

/**
 * CPU seconds the PostgreSQL backends (and autovacuum workers) of `database` use from start() to
 * stop(), leaving out `exceptPid` (the bench's own connection). The server is shared with other
 * tests, so counting every `postgres` process would count them too. Backends come and go (a pool
 * closes idle ones), so each is sampled every 250 ms and counted from its first to its last sample
 * (or from start() when it was there already); what one uses in its last 250 ms before exiting is
 * lost. The server-wide WAL writer and checkpointer are not counted.
 */
export class PostgresCpu {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly database: string, private readonly exceptPid?: number) {}

  start(): this {
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), 250);
    return this;
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample(false);
    let sum = 0;
    for (const [pid, seconds] of this.last) sum += seconds - (this.first.get(pid) ?? 0);
    return sum;
  }

  private sample(atStart: boolean): void {
    // "postgres: <user> <database> <host>(<port>) <state>", "postgres: autovacuum worker <database>", and the
    // parallel workers of those backends, "postgres: parallel worker for PID <leader>" (one lasting under 250 ms is missed).
    const titles = new Map<number, string>();
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d) && Number(d) !== this.exceptPid)) {
      try {
        const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (title.startsWith('postgres: ')) titles.set(Number(pid), title);
      } catch {
        /* gone meanwhile */
      }
    }
    const ours = new Set([...titles].filter(([, title]) => title.split(' ').includes(this.database)).map(([pid]) => pid));
    for (const [pid, title] of titles) {
      const leader = /parallel worker for PID (\d+)/.exec(title)?.[1];
      if (leader && ours.has(Number(leader))) ours.add(pid);
    }
    for (const pid of ours) {
      try {
        const seconds = cpuSeconds(pid);
        if (atStart) this.first.set(pid, seconds);
        if (seconds > 0) this.last.set(pid, seconds);
      } catch {
        /* gone meanwhile */
      }
    }
  }
}

/** The bench process's own CPU seconds so far (user + system). */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Figures of several rounds: "a / b / c (spread ±x %)", the spread being (max − min) / 2 / median. */
export function spread(values: number[], digits = 0): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const pm = sorted.length > 1 && median ? ` (±${(((sorted[sorted.length - 1] - sorted[0]) / 2 / median) * 100).toFixed(0)} %)` : '';
  return `${values.map((v) => v.toFixed(digits)).join(' / ')}${pm}`;
}

/** With BENCH_LOG_LEVEL=debug the workers log each batch's phases: their average per channel, where the time goes. */
export function reportBatchPhases(lines: Array<Record<string, unknown>>): void {
  const batches = lines.filter((l) => l.msg === 'batch delivered' && l.phases) as Array<{ channel?: string; phases: Record<string, number> }>;
  for (const channel of new Set(batches.map((b) => b.channel))) {
    const these = batches.filter((b) => b.channel === channel);
    const keys = Object.keys(these[0].phases);
    const avg = (k: string) => (these.reduce((a, b) => a + (b.phases[k] ?? 0), 0) / these.length).toFixed(0);
    report(`${channel ?? 'batch'} phases, ms (${keys.join('/')})`, `${keys.map(avg).join(' / ')} ×${these.length}`);
  }
}

/** The receipt writes' sizes and times, from the worker's debug lines (BENCH_LOG_LEVEL=debug); nothing at info. */
export function reportReceiptBatches(lines: Array<Record<string, unknown>>): void {
  const writes = lines.filter((l) => l.msg === 'receipts written') as Array<{ receipts: number; ms: number }>;
  if (writes.length === 0) return;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  report('receipt writes: count / median receipts / median ms', `${writes.length} / ${median(writes.map((w) => w.receipts))} / ${median(writes.map((w) => w.ms))}`);
}

/** A message as the engine sent it (read back from the messages table). */
export interface Sent {
  recipient: string;
  subject: string | null;
  body: string;
}

/**
 * A peer's count of what it took (the simulator's `submitted`, the sink's `received`), sampled every
 * 100 ms from its GET /stats, so the engine and a raw loop are timed alike, on the peer's side:
 * from the first sample that grew to the first that reached the final count.
 */
export class PeerCounter {
  private samples: Array<{ at: number; n: number }> = [];
  private timer?: NodeJS.Timeout;

  constructor(private readonly statsUrl: string, private readonly field: 'submitted' | 'received' | 'receiptsAcked') {}

  async read(): Promise<number> {
    return ((await (await fetch(this.statsUrl)).json()) as Record<string, number>)[this.field];
  }

  async start(): Promise<void> {
    this.samples = [{ at: Date.now(), n: await this.read() }];
    this.timer = setInterval(() => {
      this.read().then((n) => this.samples.push({ at: Date.now(), n }), () => undefined);
    }, 100);
  }

  /** What the peer took since start() and over how many seconds (0 when it all fell inside one sample). */
  async stop(): Promise<{ count: number; seconds: number }> {
    clearInterval(this.timer);
    const final = await this.read();
    const samples = [...this.samples, { at: Date.now(), n: final }].sort((a, b) => a.at - b.at);
    const base = samples[0].n;
    const first = samples.find((x) => x.n > base);
    const last = samples.find((x) => x.n === final);
    return { count: final - base, seconds: first && last ? (last.at - first.at) / 1000 : 0 };
  }
}

/** A FAIL line unless a timed span is long enough for 100 ms samples to time it (≥ 2 s). */
export function timedEnough(label: string, seconds: number): boolean {
  return report(label, `${seconds.toFixed(2)} s`, { ok: seconds >= 2, text: '≥ 2 s, else too short to time: raise --affected' });
}

/**
 * The physical baseline for SMS: the same messages with the bare `smpp` package, over `binds`
 * transceiver binds (as many as the engine used), `window` submit_sm outstanding on each until
 * every part is answered. Time it on the simulator's side (PeerCounter), as the engine is.
 */
export async function rawSmpp(port: number, messages: Sent[], window: number, binds = 1): Promise<{ parts: number }> {
  const source = sourceAddress('Outages');
  const validity = relativeValidity(360);
  const pdus: PduFields[] = [];
  for (const m of messages) {
    const dest = destinationAddress(m.recipient)!;
    const encoded = encodeSms(m.body, { gsmDataCoding: 0, longMessages: 'udh' });
    for (const p of encoded.pdus) {
      pdus.push({
        source_addr_ton: source.ton, source_addr_npi: source.npi, source_addr: source.addr,
        dest_addr_ton: dest.ton, dest_addr_npi: dest.npi, destination_addr: dest.addr,
        esm_class: p.esmClass, registered_delivery: 1, validity_period: validity, data_coding: encoded.dataCoding, short_message: p.shortMessage,
      });
    }
  }
  const bind = async () => {
    const session = connect({ host: '127.0.0.1', port });
    await once(session, 'connect');
    const bound = await new Promise<PDU>((resolve) =>
      session.send(new PDU('bind_transceiver', { system_id: 'outage', password: 'secret', interface_version: 0x34 } as PduFields), resolve),
    );
    if (bound.command_status !== 0) throw new Error(`raw bind refused: ${bound.command_status}`);
    return session;
  };
  const sessions = await Promise.all(Array.from({ length: binds }, bind));
  let next = 0; // one queue of parts, every bind taking the next as an answer frees its window
  await Promise.all(
    sessions.map(
      (session) =>
        new Promise<void>((resolve, reject) => {
          let inFlight = 0;
          const submit = () => {
            const i = next++;
            if (i >= pdus.length) return inFlight === 0 && resolve();
            inFlight++;
            session.send(new PDU('submit_sm', pdus[i]), (resp) => {
              inFlight--;
              if (resp.command_status !== 0) return reject(new Error(`raw submit_sm refused: ${resp.command_status}`));
              submit();
            });
          };
          for (let k = 0; k < window; k++) submit();
        }),
    ),
  );
  for (const session of sessions) {
    await new Promise<void>((resolve) => session.send(new PDU('unbind'), () => resolve()));
    session.close();
  }
  return { parts: pdus.length };
}

/**
 * A console's incident board as the browser loads it: the open incidents, then the incident's
 * detail (with its counts) and its progress, the three at once, timed from first request to last
 * answer. `start` repeats that every `everyMs` until `stop`; `rounds(n)` does n back to back.
 */
export class BoardPoller {
  readonly ms: number[] = [];
  readonly errors: string[] = [];
  private timer?: NodeJS.Timeout;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly baseUrl: string, private readonly key: string, private readonly incidentId: number) {}

  private async round(): Promise<void> {
    const paths = ['/v1/incidents?status=open&limit=100', `/v1/incidents/${this.incidentId}`, `/v1/incidents/${this.incidentId}/progress`];
    const started = process.hrtime.bigint();
    await Promise.all(paths.map(async (path) => {
      const res = await fetch(this.baseUrl + path, { headers: { authorization: `Bearer ${this.key}` } }).catch((e: Error) => e);
      if (res instanceof Error) this.errors.push(`${path}: ${res.message}`);
      else if (!res.ok) this.errors.push(`${path}: ${res.status}`);
      if (!(res instanceof Error)) await res.arrayBuffer();
    }));
    this.ms.push(Number(process.hrtime.bigint() - started) / 1e6);
  }

  /**
   * A refresh every `everyMs`, none while one is still loading (as the console's queries do): queued
   * behind slow refreshes, they piled up through a 2M send-out (a refresh a second, each 2-3 s) and
   * stop() waited minutes for the backlog after the sending was over.
   */
  start(everyMs: number): void {
    let loading = false;
    this.timer = setInterval(() => {
      if (loading) return;
      loading = true;
      this.inFlight = this.round().finally(() => (loading = false));
    }, everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }

  async rounds(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await this.round();
  }

  /** "p50 / p95 / max ms" of the rounds timed. */
  summary(): string {
    const sorted = [...this.ms].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
    return `${at(0.5).toFixed(0)} / ${at(0.95).toFixed(0)} / ${(sorted[sorted.length - 1] ?? NaN).toFixed(0)} ms`;
  }

  p95(): number {
    const sorted = [...this.ms].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))] ?? NaN;
  }
}
