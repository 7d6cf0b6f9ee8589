import { maskText } from '../../common/mask';
import { SINK_MODES, SinkMode, startSmtpSink } from './smtp-sink';

/**
 * `npm run smtp-sink`: the local SMTP relay and its web inbox as a process (the demo runs it this
 * way). SMTP_SINK_PORT (1025), SMTP_SINK_HTTP_PORT (1080), SMTP_SINK_HOST (127.0.0.1),
 * SMTP_SINK_MODE (accept | tempfail | reject), SMTP_SINK_KEEP (messages kept, 1000).
 */
function num(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(maskText(line) + '\n');
  const mode = (process.env.SMTP_SINK_MODE?.trim() || 'accept') as SinkMode;
  if (!SINK_MODES.includes(mode)) throw new Error(`SMTP_SINK_MODE must be ${SINK_MODES.join(', ')}, got "${mode}"`);
  const sink = await startSmtpSink({
    host: process.env.SMTP_SINK_HOST?.trim() || '127.0.0.1',
    smtpPort: num('SMTP_SINK_PORT', 1025),
    httpPort: num('SMTP_SINK_HTTP_PORT', 1080),
    mode,
    keep: Math.max(1, num('SMTP_SINK_KEEP', 1000)),
    log: say,
  });
  say(`SMTP sink: SMTP on ${sink.smtpPort} (${mode}), inbox at ${sink.httpUrl}/ (GET /messages, POST /control/{accept,tempfail,reject,down,up})`);
  let last = 0;
  const report = setInterval(() => {
    const s = sink.stats();
    if (s.received !== last) say(`received ${s.received} (refused ${s.refused}), kept ${s.kept}`);
    last = s.received;
  }, 5000);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      clearInterval(report);
      void sink.stop().then(() => process.exit(0));
    });
  }
}

main().catch((e) => {
  process.stderr.write(`smtp-sink: ${(e as Error).message}\n`);
  process.exit(1);
});
