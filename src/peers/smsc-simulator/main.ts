import { maskText } from '../../common/mask';
import { ReceiptStat, startSmscSimulator } from './smsc-simulator';

/**
 * `npm run smsc-sim`: the local SMSC as a process (the demo runs it this way).
 * SMSC_SIM_PORT (2775), SMSC_SIM_HTTP_PORT (2780), SMSC_SIM_HOST (127.0.0.1), credentials from
 * SMSC_SYSTEM_ID / SMSC_PASSWORD (outage / secret), SMSC_SIM_RECEIPT_DELAY_MS (2000; -1 = no
 * receipts), SMSC_SIM_OUTCOMES (DELIVRD=95,UNDELIV=3,EXPIRED=2), SMSC_SIM_THROTTLE (msg/s, 0),
 * SMSC_SIM_DISCONNECT_PROBABILITY (0), SMSC_SIM_REJECT_PREFIXES (comma-separated, none).
 */
function num(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got "${raw}"`);
  return n;
}

function outcomes(raw: string): Partial<Record<ReceiptStat, number>> {
  const out: Partial<Record<ReceiptStat, number>> = {};
  for (const pair of raw.split(',').filter(Boolean)) {
    const [stat, weight] = pair.split('=');
    if (!['DELIVRD', 'UNDELIV', 'EXPIRED', 'REJECTD'].includes(stat) || !(Number(weight) >= 0)) {
      throw new Error(`SMSC_SIM_OUTCOMES: "${pair}" is not STAT=weight with STAT one of DELIVRD, UNDELIV, EXPIRED, REJECTD`);
    }
    out[stat as ReceiptStat] = Number(weight);
  }
  return out;
}

async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(maskText(line) + '\n');
  const delayMs = num('SMSC_SIM_RECEIPT_DELAY_MS', 2000);
  const sim = await startSmscSimulator({
    host: process.env.SMSC_SIM_HOST?.trim() || '127.0.0.1',
    smppPort: num('SMSC_SIM_PORT', 2775),
    httpPort: num('SMSC_SIM_HTTP_PORT', 2780),
    systemId: process.env.SMSC_SYSTEM_ID?.trim() || 'outage',
    password: process.env.SMSC_PASSWORD?.trim() || 'secret',
    receipts: delayMs < 0 ? false : { delayMs, outcomes: outcomes(process.env.SMSC_SIM_OUTCOMES ?? 'DELIVRD=95,UNDELIV=3,EXPIRED=2') },
    throttleRate: num('SMSC_SIM_THROTTLE', 0),
    disconnectProbability: num('SMSC_SIM_DISCONNECT_PROBABILITY', 0),
    rejectPrefixes: (process.env.SMSC_SIM_REJECT_PREFIXES ?? '').split(',').map((p) => p.trim()).filter(Boolean),
    log: say,
  });
  say(`SMSC simulator: SMPP on ${sim.smppPort}, HTTP on ${sim.httpUrl} (GET /messages, GET /stats, POST /mo)`);
  let last = 0;
  const report = setInterval(() => {
    const s = sim.stats();
    if (s.submitted !== last) say(`submitted ${s.submitted} (throttled ${s.throttled}, rejected ${s.rejected}), receipts sent ${s.receiptsSent}, MO sent ${s.moSent}`);
    last = s.submitted;
  }, 5000);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      clearInterval(report);
      void sim.stop().then(() => process.exit(0));
    });
  }
}

main().catch((e) => {
  process.stderr.write(`smsc-sim: ${(e as Error).message}\n`);
  process.exit(1);
});
