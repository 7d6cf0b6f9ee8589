import { LoggerService } from '@nestjs/common';
import { maskText, maskValue } from './mask';

const LEVELS = { debug: 10, verbose: 10, info: 20, log: 20, warn: 30, error: 40, fatal: 50 } as const;
type Level = keyof typeof LEVELS;

/**
 * One JSON object per line on stdout, with phones and emails masked in every field.
 * Structured fields are passed as an object in place of the message:
 *   logger.log({ msg: 'incident declared', incidentId, affected })
 */
export class JsonLogger implements LoggerService {
  private readonly threshold: number;

  constructor(level: string = process.env.LOG_LEVEL ?? 'info', private readonly role = process.env.ROLE ?? 'app') {
    this.threshold = LEVELS[level as Level] ?? LEVELS.info;
  }

  log(message: unknown, ...rest: unknown[]) { this.write('info', message, rest); }
  error(message: unknown, ...rest: unknown[]) { this.write('error', message, rest); }
  warn(message: unknown, ...rest: unknown[]) { this.write('warn', message, rest); }
  debug(message: unknown, ...rest: unknown[]) { this.write('debug', message, rest); }
  verbose(message: unknown, ...rest: unknown[]) { this.write('debug', message, rest); }
  fatal(message: unknown, ...rest: unknown[]) { this.write('fatal', message, rest); }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (LEVELS[level] < this.threshold) return;
    // Nest passes the context (class name) last, and for errors a stack before it.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, role: this.role };
    if (context) entry.context = context;
    if (message instanceof Error) {
      entry.msg = maskText(message.message);
      entry.err = maskValue(message);
    } else if (message && typeof message === 'object') {
      Object.assign(entry, maskValue(message) as object);
    } else {
      entry.msg = maskText(String(message));
    }
    for (const extra of rest) {
      if (typeof extra === 'string') entry.stack = maskText(extra);
      else if (extra !== undefined) entry.extra = maskValue(extra);
    }
    process.stdout.write(JSON.stringify(entry) + '\n');
  }
}
