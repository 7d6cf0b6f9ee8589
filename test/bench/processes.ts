import { ChildProcess, spawn } from 'child_process';
import { readFileSync } from 'fs';
import { createInterface } from 'readline';

/** A role of the service as a child process, with its log lines and peak RSS. */
export class ServiceProcess {
  readonly lines: Array<Record<string, unknown>> = [];
  private readonly child: ChildProcess;
  private peakKb = 0;
  private readonly sampler: NodeJS.Timeout;

  constructor(readonly role: 'api' | 'worker', env: Record<string, string>) {
    this.child = spawn(process.execPath, ['dist/src/main.js', role], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line));
      } catch {
        /* not a log line */
      }
    });
    this.sampler = setInterval(() => (this.peakKb = Math.max(this.peakKb, this.hwmKb())), 200);
  }

  /** VmHWM: the kernel's own peak resident set of the process. */
  private hwmKb(): number {
    try {
      return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  }

  get peakMb(): number {
    return Math.max(this.peakKb, this.hwmKb()) / 1024;
  }

  async waitFor(predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find(predicate);
      if (hit) return hit;
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`${this.role}: expected log line did not come`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await new Promise((r) => this.child.once('exit', r));
  }
}
