import { ChildProcess, spawn } from 'child_process';
import { createInterface } from 'readline';
import { maskText } from '../common/mask';

export interface ChildSpec {
  /** Short name used as the log prefix, e.g. `api`. */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

const COLORS = [36, 35, 33, 32, 34, 31];
const NAME_WIDTH = 8;

/** Renders one JSON log line from our JsonLogger as a short readable line; other text as is. */
export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return maskText(line);
  try {
    const { time, level, role: _role, context, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const clock = typeof time === 'string' ? time.slice(11, 19) : '';
    const extra = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
    return maskText([clock, String(level ?? '').padEnd(5), context ? `${context}:` : '', msg ?? '', extra].filter(Boolean).join(' '));
  } catch {
    return maskText(line);
  }
}

/**
 * Starts the demo's child processes with their output prefixed, and stops them gracefully.
 * Children run in their own process group so that Ctrl-C reaches only the demo, which then
 * sends each child one SIGTERM and waits — a second signal would cut a graceful shutdown short.
 */
export class Supervisor {
  private readonly children: { spec: ChildSpec; proc: ChildProcess; exited: Promise<number | null> }[] = [];
  private stopping = false;

  /** Called when a child exits while the demo is not stopping. */
  onUnexpectedExit: (name: string, code: number | null) => void = () => undefined;

  constructor(private readonly write: (line: string) => void = (l) => process.stdout.write(l + '\n')) {
    // Last resort if the demo itself dies: do not leave orphans holding the port.
    process.on('exit', () => this.children.forEach((c) => c.proc.exitCode === null && c.proc.kill('SIGTERM')));
  }

  start(spec: ChildSpec): ChildProcess {
    const color = COLORS[this.children.length % COLORS.length];
    const prefix = `\x1b[${color}m${`[${spec.name}]`.padEnd(NAME_WIDTH)}\x1b[0m `;
    const proc = spawn(spec.command, spec.args, { env: spec.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    for (const stream of [proc.stdout!, proc.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => this.write(prefix + formatLogLine(line)));
    }
    const exited = new Promise<number | null>((resolve) => {
      proc.on('exit', (code, signal) => {
        this.write(`${prefix}exited (${signal ?? `code ${code}`})`);
        if (!this.stopping) this.onUnexpectedExit(spec.name, code);
        resolve(code);
      });
      proc.on('error', (e) => {
        this.write(`${prefix}could not start: ${e.message}`);
        resolve(null);
      });
    });
    this.children.push({ spec, proc, exited });
    return proc;
  }

  running(name: string): boolean {
    const child = this.children.find((c) => c.spec.name === name);
    return !!child && child.proc.exitCode === null && child.proc.signalCode === null;
  }

  /** SIGTERM to every child, latest first; SIGKILL whatever is still running after `graceMs`. */
  async stopAll(graceMs = 20_000): Promise<void> {
    this.stopping = true;
    for (const child of [...this.children].reverse()) {
      if (child.proc.exitCode !== null || child.proc.signalCode !== null) continue;
      child.proc.kill('SIGTERM');
      const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs);
      await child.exited;
      clearTimeout(timer);
    }
  }
}
