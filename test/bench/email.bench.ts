import { Logger } from '@nestjs/common';
import { ChildProcess, spawn } from 'child_process';
import { once } from 'events';
import { join } from 'path';
import { createInterface } from 'readline';
import { createTransport } from 'nodemailer';
import { createEmailAdapter } from '../../src/email/email.module';
import { OutboundMessage } from '../../src/notifications/channel.port';

/**
 * Email channel throughput: (c) EmailAdapter, batch after batch as the delivery worker hands them
 * over, against (d) a raw nodemailer pool kept full (one sendMail per connection in flight) — same
 * pool size, same messages, same SMTP sink. Handing the raw pool every message at once measured
 * slower (about 750 against 1,350 emails/s here), so the kept-full loop is the stricter baseline.
 * The sink runs as its own process, so it does not share this event loop.
 *
 *   npx ts-node --transpile-only test/bench/email.bench.ts [--messages 5000] [--pool 5] [--batch 500] [--rounds 3]
 *
 * benchEmail() is what a combined channels benchmark calls.
 */

export interface EmailBenchOptions {
  messages: number;
  poolSize: number;
  /** Messages per EmailAdapter.send call (DELIVERY_BATCH_SIZE). */
  batchSize: number;
  /** Alternating measurements of each side; the median is reported. */
  rounds: number;
  log?: (line: string) => void;
}

export interface EmailBenchResult {
  messages: number;
  poolSize: number;
  adapterPerSecond: number;
  rawPerSecond: number;
  /** adapter / raw */
  ratio: number;
}

const FROM = 'Outage Notifier <noreply@example.net>';

function outbound(n: number, round: string): OutboundMessage[] {
  return Array.from({ length: n }, (_, i) => ({
    messageId: `${round}-${i}`,
    channel: 'email',
    to: `subscriber${i}@example.ru`,
    subject: 'Авария в вашем районе: нет интернета',
    text: `Здравствуйте!\n\n${'Из-за повреждения кабеля в вашем районе нет интернета. Бригада на месте, ожидаемое время восстановления 18:00. '.repeat(4)}\n\nВаш менеджер по аварии: Анна Смирнова, +7 383 000-00-00.`,
    html: `<p>Здравствуйте!</p>${'<p>Из-за повреждения кабеля в вашем районе нет интернета. Бригада на месте, ожидаемое время восстановления <b>18:00</b>.</p>'.repeat(4)}<p>Ваш менеджер по аварии: Анна Смирнова, +7 383 000-00-00.</p>`,
    unsubscribeUrl: `https://status.example.net/v1/public/unsubscribe?token=${i + 1}.${'x'.repeat(43)}`,
  }));
}

/** `npm run smtp-sink` as a child process on free ports; resolves once it listens. */
async function startSinkProcess(): Promise<{ proc: ChildProcess; port: number }> {
  const main = join(__dirname, '..', '..', 'src', 'peers', 'smtp-sink', 'main.ts');
  const proc = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', main], {
    env: { ...process.env, SMTP_SINK_PORT: '0', SMTP_SINK_HTTP_PORT: '0', SMTP_SINK_KEEP: '100' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`smtp-sink exited with code ${code}`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /SMTP on (\d+)/.exec(line);
      if (m) resolve(Number(m[1]));
    });
  });
  proc.removeAllListeners('exit');
  return { proc, port };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchEmail(opts: EmailBenchOptions): Promise<EmailBenchResult> {
  const log = opts.log ?? (() => undefined);
  const { proc, port } = await startSinkProcess();
  const adapter = createEmailAdapter({
    host: '127.0.0.1', port, from: FROM, secure: false, starttls: 'off', poolSize: opts.poolSize,
    ratePerSecond: 0, timeoutMs: 30_000, relayWaitSeconds: 30, messageIdDomain: 'example.net',
  });
  const raw = createTransport({ pool: true, host: '127.0.0.1', port, maxConnections: opts.poolSize, ignoreTLS: true });

  const viaAdapter = async (messages: OutboundMessage[]) => {
    for (let i = 0; i < messages.length; i += opts.batchSize) {
      const outcomes = await adapter.send(messages.slice(i, i + opts.batchSize));
      const notAccepted = outcomes.find((o) => o.status !== 'accepted');
      if (notAccepted) throw new Error(`EmailAdapter: ${JSON.stringify(notAccepted)}`);
    }
  };
  const viaRaw = async (messages: OutboundMessage[]) => {
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < messages.length; i = next++) {
        const m = messages[i];
        await raw.sendMail({
          from: FROM,
          to: m.to,
          subject: m.subject,
          text: m.text,
          html: m.html,
          messageId: `<msg-${m.messageId}.outage-notifier@example.net>`,
          headers: { 'List-Unsubscribe': `<${m.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        });
      }
    };
    await Promise.all(Array.from({ length: opts.poolSize }, lane));
  };
  const rate = async (label: string, send: (m: OutboundMessage[]) => Promise<void>, round: string) => {
    const messages = outbound(opts.messages, round);
    const started = performance.now();
    const cpu = process.cpuUsage();
    await send(messages);
    const used = process.cpuUsage(cpu);
    const perSecond = opts.messages / ((performance.now() - started) / 1000);
    const cpuMs = ((used.user + used.system) / 1000 / opts.messages) * 1000;
    log(`  ${label.padEnd(44)} ${Math.round(perSecond).toString().padStart(6)} emails/s, CPU ${Math.round(cpuMs)} ms per 1,000`);
    return perSecond;
  };

  try {
    await viaAdapter(outbound(Math.min(500, opts.messages), 'warm-a')); // connections open, JIT warm
    await viaRaw(outbound(Math.min(500, opts.messages), 'warm-r'));
    const adapterRates: number[] = [];
    const rawRates: number[] = [];
    for (let r = 1; r <= opts.rounds; r++) {
      adapterRates.push(await rate(`round ${r}: EmailAdapter (batches of ${opts.batchSize})`, viaAdapter, `a${r}`));
      rawRates.push(await rate(`round ${r}: raw nodemailer pool`, viaRaw, `r${r}`));
    }
    const adapterPerSecond = Math.round(median(adapterRates));
    const rawPerSecond = Math.round(median(rawRates));
    return { messages: opts.messages, poolSize: opts.poolSize, adapterPerSecond, rawPerSecond, ratio: adapterPerSecond / rawPerSecond };
  } finally {
    await adapter.stop(1000);
    raw.close();
    proc.kill('SIGTERM');
    await once(proc, 'exit');
  }
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

if (require.main === module) {
  Logger.overrideLogger(['error']);
  const opts = { messages: arg('messages', 5000), poolSize: arg('pool', 5), batchSize: arg('batch', 500), rounds: arg('rounds', 3) };
  console.log(`Email channel: ${opts.messages} emails a round, pool of ${opts.poolSize} connections, SMTP sink in its own process`);
  benchEmail({ ...opts, log: console.log }).then(
    (r) => {
      const ok = r.ratio >= 0.8;
      console.log(`(c) EmailAdapter → sink          ${r.adapterPerSecond} emails/s (median)`);
      console.log(`(d) raw nodemailer pool → sink   ${r.rawPerSecond} emails/s (median)`);
      console.log(`(c) / (d)                        ${(r.ratio * 100).toFixed(1)} %  ${ok ? 'PASS' : 'FAIL'} (target ≥ 80 %)`);
      process.exit(ok ? 0 : 1);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
