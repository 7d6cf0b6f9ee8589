import { ChildProcess, execFile, execFileSync, spawn } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { createInterface } from 'readline';
import { waitFor } from './wait';

/** A port nobody listens on now. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const TICKS_PER_SECOND = 100; // Linux's USER_HZ
/** How long stop() waits after SIGTERM before SIGKILL. */
const STOP_KILL_MS = 45_000;

/**
 * A process's name and CPU seconds (user + system) so far, the latter with its children that ended
 * if `reaped`; undefined once it is gone.
 */
function procCpu(pid: number | string, reaped: boolean): { name: string; seconds: number } | undefined {
  try {
    // "pid (name) state …": after the ") ", utime, stime, cutime, cstime are the 12th to 15th fields.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(') ');
    const f = stat.slice(close + 2).split(' ').map(Number);
    return { name: stat.slice(stat.indexOf('(') + 1, close), seconds: (f[11] + f[12] + (reaped ? f[13] + f[14] : 0)) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** CPU seconds a process has used so far; 0 once it is gone. */
export const cpuSeconds = (pid: number): number => procCpu(pid, false)?.seconds ?? 0;

/** CPU seconds used so far by every process of this name (all of PostgreSQL's backends, and those that ended). */
export function cpuSecondsOf(command: string): number {
  let sum = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const p = procCpu(pid, true);
    if (p?.name === command) sum += p.seconds;
  }
  return sum;
}

/** The machine's CPU time so far in seconds, all cores: in all, and idle (iowait included). */
export function machineCpuSeconds(): { total: number; idle: number } {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = ticks.map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { total: total / TICKS_PER_SECOND, idle: (n[3] + n[4]) / TICKS_PER_SECOND };
}

/**
 * A child process with its stdout lines and its peak RSS (sampled until it stops). Its stderr goes
 * to ours, or with `captureStderr` through onLine like stdout.
 */
export class Watched {
  /** Every child still running, for stopAll. */
  private static readonly running = new Set<Watched>();
  protected readonly child: ChildProcess;
  private peakKb = 0;
  private readonly sampler: NodeJS.Timeout;
  /** Resolves with the exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  protected closed = false;

  constructor(args: string[], env: Record<string, string>, captureStderr = false) {
    // BENCH_CPU_PROF=<dir>: every process writes a V8 CPU profile there when it exits (open it in Chrome DevTools).
    const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    this.child = spawn(process.execPath, [...prof, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', captureStderr ? 'pipe' : 'inherit'],
    });
    // 'close', not 'exit': by then every line it wrote has been read.
    this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
    Watched.running.add(this);
    this.exited.then(() => {
      this.closed = true;
      Watched.running.delete(this);
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.onLine(line));
    if (captureStderr) createInterface({ input: this.child.stderr! }).on('line', (line) => this.onLine(line));
    this.sampler = setInterval(() => (this.peakKb = Math.max(this.peakKb, this.hwmKb())), 200);
    this.exited.then(() => clearInterval(this.sampler));
  }

  get pid(): number {
    return this.child.pid!;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** VmHWM: the kernel's own peak resident set of the process. */
  private hwmKb(): number {
    try {
      return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  }

  protected onLine(_line: string): void {}

  get cpuSeconds(): number {
    return this.child.pid ? cpuSeconds(this.child.pid) : 0;
  }

  get peakMb(): number {
    return Math.max(this.peakKb, this.hwmKb()) / 1024;
  }

  /** Stops every child still running (a bench interrupted leaves no api, worker or peer behind). */
  static async stopAll(): Promise<void> {
    await Promise.all([...Watched.running].map((w) => w.stop()));
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGCONT'); // a stopped process could not act on SIGTERM
    this.child.kill('SIGTERM');
    // One that does not stop on its own is killed: no test leaves a process behind.
    const killer = setTimeout(() => this.child.kill('SIGKILL'), STOP_KILL_MS);
    await this.exited;
    clearTimeout(killer);
  }
}

/**
 * A role of the service as a child process (from the build), with its log lines and peak RSS;
 * lines that are not JSON are kept apart in `notJson`.
 */
export class ServiceProcess extends Watched {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly notJson: string[] = [];

  constructor(readonly role: 'api' | 'worker', env: Record<string, string>, opts: { captureStderr?: boolean } = {}) {
    super([join(__dirname, '..', '..', 'dist', 'src', 'main.js'), role], env, opts.captureStderr);
  }

  protected onLine(line: string): void {
    try {
      const parsed = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
      this.lines.push(parsed);
    } catch {
      this.notJson.push(line);
    }
  }

  async waitFor(predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find(predicate);
      if (hit) return hit;
      if (Date.now() > deadline || this.closed) throw new Error(`${this.role}: expected log line did not come`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function peerArgs(name: string): string[] {
  const built = join(__dirname, '..', '..', 'dist', 'src', 'peers', name, 'main.js');
  return existsSync(built) ? [built] : ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', '..', 'src', 'peers', name, 'main.ts')];
}

/**
 * A local peer (src/peers/<name>/main.ts: the SMSC simulator, the SMTP sink) as its own process,
 * from the build when there is one; `port` is the one its banner names.
 */
export class PeerProcess extends Watched {
  port = 0;
  private found?: (port: number) => void;

  private constructor(name: string, env: Record<string, string>, private readonly banner: RegExp) {
    super(peerArgs(name), env);
  }

  /** Its last 10,000 lines. */
  readonly lines: string[] = [];

  protected onLine(line: string): void {
    if (this.lines.push(line) > 10_000) this.lines.shift();
    const m = this.banner.exec(line);
    if (m) this.found?.(Number(m[1]));
  }

  static async start(name: string, env: Record<string, string>, banner: RegExp): Promise<PeerProcess> {
    const peer = new PeerProcess(name, env, banner);
    peer.port = await new Promise<number>((resolve, reject) => {
      peer.found = resolve;
      peer.child.once('exit', (code) => reject(new Error(`${name} exited with code ${code}`)));
    });
    return peer;
  }
}

/** redis-server in the foreground on loopback without persistence (more `args` after these), once it says it is ready. */
async function spawnRedis(args: string[], ready = /Ready to accept connections/): Promise<ChildProcess> {
  const child = spawn('redis-server', [...args, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`redis-server ${args.join(' ')} exited with code ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => ready.test(line) && resolve());
  });
  return child;
}

async function killAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map((c) => {
        const gone = new Promise((resolve) => c.once('exit', resolve));
        c.kill('SIGKILL');
        return gone;
      }),
  );
}

/**
 * A Redis Cluster of `masters` servers (no replicas) on loopback ports, made with
 * `redis-cli --cluster create`; `nodes` is REDIS_CLUSTER_NODES for it.
 */
export class RedisCluster {
  private constructor(readonly ports: number[], private readonly children: ChildProcess[], private readonly dir: string) {}

  static async start(masters = 3): Promise<RedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
    const ports: number[] = [];
    const children: ChildProcess[] = [];
    try {
      for (let i = 0; i < masters; i++) {
        // The bus port is given, not the default port + 10000, which may be taken or out of range.
        const [port, bus] = [await freePort(), await freePort()];
        ports.push(port);
        children.push(await spawnRedis(['--port', String(port), '--cluster-enabled', 'yes', '--cluster-port', String(bus),
          '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir]));
      }
      execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore' });
      const cluster = new RedisCluster(ports, children, dir);
      const ok = (p: number) => /cluster_state:ok/.test(execFileSync('redis-cli', ['-p', String(p), 'cluster', 'info'], { encoding: 'utf8' }));
      await waitFor(() => ports.every(ok), 'the Redis Cluster to be ready', 30_000);
      return cluster;
    } catch (e) {
      await killAll(children);
      throw e;
    }
  }

  get nodes(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }

  async stop(): Promise<void> {
    await killAll(this.children);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One Redis master watched by one Sentinel (`redis-server --sentinel`) under the name `mymaster`. */
export class RedisSentinel {
  private constructor(readonly masterPort: number, readonly port: number, private readonly children: ChildProcess[], private readonly dir: string) {}

  static async start(): Promise<RedisSentinel> {
    const dir = mkdtempSync(join(tmpdir(), 'redis-sentinel-'));
    const [masterPort, port] = [await freePort(), await freePort()];
    const children = [await spawnRedis(['--port', String(masterPort)])];
    try {
      // Sentinel rewrites its configuration file, so it gets one of its own.
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(conf, [`port ${port}`, `dir ${dir}`, `sentinel monitor mymaster 127.0.0.1 ${masterPort} 1`, ''].join('\n'));
      const sentinel = spawn('redis-server', [conf, '--sentinel', '--bind', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(sentinel);
      await new Promise<void>((resolve, reject) => {
        sentinel.once('exit', (code) => reject(new Error(`redis sentinel exited with code ${code}`)));
        createInterface({ input: sentinel.stdout! }).on('line', (line) => /\+monitor master mymaster/.test(line) && resolve());
      });
      return new RedisSentinel(masterPort, port, children, dir);
    } catch (e) {
      await killAll(children);
      throw e;
    }
  }

  async stop(): Promise<void> {
    await killAll(this.children);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A Redis server of a test's own, in the foreground, so the test can kill, stop and restart it. */
export class RedisServer {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    this.child = await spawnRedis(['--port', String(this.port)]);
  }

  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }
}

/**
 * A TCP relay to `target` as a process of its own: killed, the service sees its server go away;
 * stopped (SIGSTOP), it sees a server that accepts connections and never answers.
 */
export class TcpProxy extends Watched {
  port = 0;
  private found?: (port: number) => void;

  private constructor(target: number) {
    const script = `
      const net = require('net');
      const server = net.createServer((inbound) => {
        const outbound = net.connect(${target}, '127.0.0.1');
        inbound.pipe(outbound).pipe(inbound);
        inbound.on('error', () => outbound.destroy());
        outbound.on('error', () => inbound.destroy());
      });
      server.listen(0, '127.0.0.1', () => console.log('relaying on ' + server.address().port));`;
    super(['-e', script], {});
  }

  protected onLine(line: string): void {
    const m = /relaying on (\d+)/.exec(line);
    if (m) this.found?.(Number(m[1]));
  }

  static async start(target: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    proxy.port = await new Promise<number>((resolve) => (proxy.found = resolve));
    return proxy;
  }
}

/**
 * PgBouncer of a test's own in transaction mode, in the foreground, in front of the PostgreSQL of
 * `DATABASE_URL`: each alias is a database of that server with the query PgBouncer runs on every
 * new server connection (where deployments put the session settings). Installed by
 * scripts/services.sh when missing; run as the postgres user when we are root (it refuses root).
 */
export class PgBouncer {
  private constructor(private readonly child: ChildProcess, readonly port: number, private readonly dir: string) {}

  static async start(aliases: Record<string, { dbname: string; connectQuery?: string }>, opts: { poolSize: number }): Promise<PgBouncer> {
    const bin = execFileSync('bash', [join(__dirname, '..', '..', 'scripts', 'services.sh'), 'pgbouncer'], { encoding: 'utf8' }).trim();
    const server = new URL(process.env.DATABASE_URL!);
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'pgbouncer-'));
    const databases = Object.entries(aliases).map(
      ([name, a]) => `${name} = host=${server.hostname} port=${server.port} dbname=${a.dbname}${a.connectQuery ? ` connect_query='${a.connectQuery}'` : ''}`,
    );
    writeFileSync(join(dir, 'users.txt'), `"${server.username || 'postgres'}" ""\n`);
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      ['[databases]', ...databases, '[pgbouncer]', 'listen_addr = 127.0.0.1', `listen_port = ${port}`, 'unix_socket_dir =',
        'auth_type = trust', `auth_file = ${join(dir, 'users.txt')}`, 'pool_mode = transaction', `default_pool_size = ${opts.poolSize}`,
        'max_client_conn = 500', 'admin_users = postgres', ''].join('\n'),
    );
    const root = process.getuid?.() === 0;
    if (root) execFileSync('chown', ['-R', 'postgres', dir]);
    const args = root ? ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups', bin] : [bin];
    const child = spawn(args[0], [...args.slice(1), join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`pgbouncer exited with code ${code}`)));
      createInterface({ input: child.stderr! }).on('line', (line) => {
        if (/process up/.test(line)) resolve();
        if (/FATAL|ERROR/.test(line)) process.stderr.write(`[pgbouncer] ${line}\n`);
      });
    });
    return new PgBouncer(child, port, dir);
  }

  url(alias: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${alias}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const gone = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGINT'); // PgBouncer's immediate shutdown
      await gone;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const execFileAsync = (file: string, args: string[]) =>
  new Promise<void>((resolve, reject) =>
    execFile(file, args, { cwd: '/' }, (err, _out, stderr) => (err ? reject(new Error(`${file} ${args[0]}: ${stderr || err.message}`)) : resolve())),
  );

/**
 * A PostgreSQL cluster of a test's own (initdb into a temporary directory, trust on 127.0.0.1),
 * so the test can stop it under live processes and start it again on the same port. As root the
 * server runs as the postgres user, as scripts/services.sh runs its own.
 */
export class PostgresServer {
  private constructor(private readonly bin: string, private readonly dir: string, readonly port: number) {}

  static async start(): Promise<PostgresServer> {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    const bin = versions.map((v) => `/usr/lib/postgresql/${v}/bin`).find((d) => existsSync(join(d, 'initdb')));
    if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql (scripts/services.sh installs them)');
    const dir = mkdtempSync(join(tmpdir(), 'pg-'));
    if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres', dir]);
    const server = new PostgresServer(bin, dir, await freePort());
    await server.run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    await server.restart();
    return server;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private run(tool: string, args: string[]): Promise<void> {
    const path = join(this.bin, tool);
    return process.getuid?.() === 0 ? execFileAsync('runuser', ['-u', 'postgres', '--', path, ...args]) : execFileAsync(path, args);
  }

  async restart(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c fsync=off -c max_connections=100`;
    await this.run('pg_ctl', ['start', '-w', '-t', '120', '-D', join(this.dir, 'data'), '-l', join(this.dir, 'postgres.log'), '-o', options]);
  }

  /** pg_ctl stop: `fast` rolls back open transactions and closes every connection. */
  async stop(mode: 'smart' | 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.run('pg_ctl', ['stop', '-w', '-t', '120', '-D', join(this.dir, 'data'), '-m', mode]);
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
