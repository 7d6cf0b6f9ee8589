/**
 * npm run bench:channels [-- --subscribers 200000 --affected 100000 --pool 5 --rounds 2 --receiver-binds N]
 *
 * The channels behind the engine, in one run. The SMSC simulator (acknowledging at once, no
 * receipts) and the SMTP sink run as their own processes; api and worker as real processes with
 * CHANNELS=live, window 100, no rate limit, nobody in quiet hours.
 *   (a) SMS through the worker path (claim, render, submit, response, batched state write):
 *       an incident whose subscribers only take SMS.
 *   (b) a raw `smpp` submit loop, window 100, to the same simulator: the same recipients and
 *       texts (read back from the messages table).
 *   (c) email through the worker path: a second incident whose subscribers only take email.
 *   (d) a raw nodemailer pool (as test/bench/email.bench.ts: one sendMail per connection in
 *       flight, same pool size) to the same sink with the same recipients, subjects and texts.
 * The api and worker are stopped before (b) and (d), so the baselines do not share the CPU. Both
 * sides are timed alike, on the peer's side (its counter sampled every 100 ms), and costed alike:
 * CPU seconds from /proc per 1,000 messages — worker + PostgreSQL (this database's backends) from
 * declare to nothing due against the bench process around the raw loop. (a)–(d) run `--rounds`
 * times (default 2) and each round's figures are printed, so the noise shows.
 *   (e) receipts, last: (a) once more through a second simulator that sends a receipt per part
 *       once the sending is over, as fast as its window of 100 unanswered deliver_sm per bind
 *       allows; receipts answered a second on the simulator (each only after the write storing it),
 *       with the engine's receiver binds (SMSC_RECEIVER_BINDS, printed; `--receiver-binds N` sets it).
 * Uses its own database (outage_channels_bench_<n>_<migrations>), since it rewrites consents and quiet hours.
 * It prints where the CPU went in (a) and (b), by process; `--sms-only` leaves out (c) and (d),
 * `--email-only` leaves out (a), (b) and (e).
 */
import { cpus } from 'os';
import { createTransport } from 'nodemailer';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/app-config';
import { freePort, PeerProcess, ServiceProcess } from '../support/processes';
import { pickScope } from './impact.bench';
import {
  arg, BENCH_ADMIN_KEY, clearIncidents, measured, ownCpuSeconds, PeerCounter, PostgresCpu, rawSmpp, report, reportBatchPhases, reportReceiptBatches,
  seededDatabase, Sent, spread, timedEnough, untilNothingDue,
} from './support';

const WINDOW = 100;
const FROM = 'Outage Notifier <noreply@example.net>';

/** (d): the raw pool of email.bench.ts, kept full (one sendMail per connection in flight). */
async function rawPool(port: number, poolSize: number, messages: Sent[], measure: () => Promise<void>): Promise<void> {
  const raw = createTransport({ pool: true, host: '127.0.0.1', port, maxConnections: poolSize, ignoreTLS: true });
  const send = async (list: Sent[], tag: string) => {
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < list.length; i = next++) {
        const m = list[i];
        await raw.sendMail({
          from: FROM, to: m.recipient, subject: m.subject ?? '', text: m.body,
          html: m.body.split('\n').filter(Boolean).map((l) => `<p>${l}</p>`).join(''),
          messageId: `<raw-${tag}-${i}.outage-notifier@example.net>`,
          headers: { 'List-Unsubscribe': `<https://status.example.net/v1/public/unsubscribe?token=${i + 1}.${'x'.repeat(43)}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        });
      }
    };
    await Promise.all(Array.from({ length: poolSize }, lane));
  };
  try {
    await send(messages.slice(0, 200), 'warm'); // connections open, as the worker's pool already is
    await measure();
    await send(messages, 'run');
  } finally {
    raw.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const subscribers = arg('subscribers', 200_000);
  const wanted = arg('affected', Math.min(100_000, subscribers / 2));
  const poolSize = arg('pool', 5);
  const rounds = arg('rounds', 2);
  const smsOnly = process.argv.includes('--sms-only');
  const emailOnly = process.argv.includes('--email-only');
  // SMSC_RECEIVER_BINDS: the engine's default unless given.
  const receiverBindsArg = process.argv.includes('--receiver-binds') ? String(arg('receiver-binds', 1, 0)) : undefined;
  if (smsOnly && emailOnly) throw new Error('--sms-only and --email-only leave nothing to measure: give one of them');
  const url = await seededDatabase(`outage_channels_bench_${subscribers}`, subscribers);
  const dbName = new URL(url).pathname.slice(1);
  const db = new Client({ connectionString: url });
  await db.connect();
  const benchBackend = (await db.query(`SELECT pg_backend_pid() AS pid`)).rows[0].pid as number;
  await db.query(`UPDATE subscribers SET quiet_start = NULL, quiet_end = NULL, sms_opted_out_at = NULL WHERE quiet_start IS NOT NULL OR sms_opted_out_at IS NOT NULL`);
  const scope = await pickScope(db, wanted);

  const simEnv = { SMSC_SIM_PORT: '0', SMSC_SYSTEM_ID: 'outage', SMSC_PASSWORD: 'secret' };
  const [simHttp, sinkHttp] = await Promise.all([freePort(), freePort()]);
  const sim = await PeerProcess.start('smsc-simulator', { ...simEnv, SMSC_SIM_HTTP_PORT: String(simHttp), SMSC_SIM_RECEIPT_DELAY_MS: '-1' }, /SMPP on (\d+)/);
  let receiptSim: PeerProcess | undefined;
  // A sink that fails to start must not leave the simulator running (it would hold the bench's output open).
  const sink = await PeerProcess.start('smtp-sink', { SMTP_SINK_PORT: '0', SMTP_SINK_HTTP_PORT: String(sinkHttp), SMTP_SINK_KEEP: '100' }, /SMTP on (\d+)/)
    .catch(async (e) => {
      await sim.stop();
      throw e;
    });
  const counters = {
    sms: new PeerCounter(`http://127.0.0.1:${simHttp}/stats`, 'submitted'),
    email: new PeerCounter(`http://127.0.0.1:${sinkHttp}/stats`, 'received'),
  };
  const port = await freePort();
  const env = {
    DATABASE_URL: url, QUEUE_PREFIX: `bench-ch-${process.pid}`, CHANNELS: 'live', PORT: String(port), ADMIN_API_KEY: BENCH_ADMIN_KEY, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    DEFAULT_QUIET_HOURS: '00:00-00:00', SMS_DAILY_CAP: '1000',
    SMSC_HOST: '127.0.0.1', SMSC_SYSTEM_ID: 'outage', SMSC_PASSWORD: 'secret', SMSC_BINDS: '1', SMSC_WINDOW: String(WINDOW),
    SMSC_MAX_RATE: '0', SMSC_BIND_MAX_RATE: '0', ...(receiverBindsArg === undefined ? {} : { SMSC_RECEIVER_BINDS: receiverBindsArg }),
    SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port), SMTP_STARTTLS: 'off', SMTP_POOL_SIZE: String(poolSize), SMTP_RATE_PER_SECOND: '0',
  };
  // What the worker reads (an engine without the setting has none).
  const receiverBindsUsed = loadConfig({ ...process.env, ...env }).smsc.receiverBinds as number | undefined;
  const receiverBinds = `1 transceiver + ${receiverBindsUsed ?? 0} receiver bind(s)${receiverBindsArg === undefined ? ' (default)' : ''}, window 100 each`;
  let api: ServiceProcess | undefined;
  let worker: ServiceProcess | undefined;
  const base = `http://127.0.0.1:${port}`;
  const post = (path: string, body: unknown) =>
    fetch(base + path, { method: 'POST', headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  /** CPU seconds by process from now until the returned stop(): worker, PostgreSQL (this database), peers, the bench itself. */
  type CpuMs = Record<'worker' | 'postgres' | 'simulator' | 'sink' | 'bench', number>;
  // PostgreSQL is sampled only for the engine: the raw loops do not use it, and sampling would cost the bench (their client) CPU.
  const cpuMeter = (engine = true) => {
    const read = (): CpuMs => ({
      worker: worker?.cpuSeconds ?? 0, postgres: 0, simulator: (receiptSim ?? sim).cpuSeconds, sink: sink.cpuSeconds, bench: ownCpuSeconds(),
    });
    const postgres = engine ? new PostgresCpu(dbName, benchBackend).start() : undefined;
    const before = read();
    return () => {
      const after = { ...read(), postgres: postgres?.stop() ?? 0 };
      return (messages: number) => Object.fromEntries(Object.keys(before).map((k) => [k, ((after[k as keyof CpuMs] - before[k as keyof CpuMs]) * 1e6) / messages])) as CpuMs;
    };
  };
  const cpuLine = (ms: Record<string, number>) => Object.entries(ms).filter(([, v]) => v >= 0.5).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ');

  /** One incident over the scope with only `channel` consented, timed on the peer's side and costed per 1,000. */
  const phase = async (channel: 'sms' | 'email') => {
    await clearIncidents(db);
    await db.query(`UPDATE subscribers SET sms_consent = $1, email_consent = $2 WHERE sms_consent <> $1 OR email_consent <> $2`, [channel === 'sms', channel === 'email']);
    await db.query(`VACUUM ANALYZE subscribers`);
    await counters[channel].start();
    const cpu = cpuMeter();
    const declared = await post('/v1/incidents', { title: `Benchmark ${channel}`, kind: 'outage', scope, etr: new Date(Date.now() + 4 * 3600_000).toISOString() });
    if (declared.status !== 201) throw new Error(`declare: ${declared.status} ${JSON.stringify(declared.body)}`);
    const incidentId = declared.body.id;
    await worker!.waitFor((l) => l.msg === 'incident planned' && l.incidentId === incidentId, 600_000);
    await untilNothingDue(db);
    const used = cpu();
    const peer = await counters[channel].stop();
    const { rows: [m] } = await db.query(
      `SELECT count(*) FILTER (WHERE state = 'accepted')::int AS accepted, count(*) FILTER (WHERE state <> 'accepted')::int AS other,
              coalesce(sum(parts), 0)::int AS parts
       FROM messages WHERE incident_id = $1 AND channel = $2`,
      [incidentId, channel],
    );
    const sent = (await db.query(`SELECT recipient, subject, body FROM messages WHERE incident_id = $1 AND channel = $2 ORDER BY id`, [incidentId, channel])).rows as Sent[];
    const cpuMs = used(Math.max(m.accepted, 1));
    console.log(`  ${channel}: ${m.accepted} accepted (${m.parts} parts, ${m.other} not accepted), the peer took ${peer.count} in ${peer.seconds.toFixed(2)} s`);
    console.log(`    CPU from declare to nothing due, ms per 1,000 ${channel === 'sms' ? 'texts' : 'emails'}: ${cpuLine(cpuMs)}`);
    return { accepted: m.accepted as number, other: m.other as number, parts: m.parts as number, peer, sent, cpuMs };
  };

  /** The api and a worker as processes, bound to the simulator on `smscPort`, once both say they are up. */
  const startServices = async (smscPort: number) => {
    const started = { api: new ServiceProcess('api', { ...env, SMSC_PORT: String(smscPort) }), worker: new ServiceProcess('worker', { ...env, SMSC_PORT: String(smscPort) }) };
    ({ api, worker } = started);
    await started.api.waitFor((l) => l.msg === 'api listening');
    await started.worker.waitFor((l) => l.msg === 'worker started');
    return started;
  };

  /**
   * (e): receipts applied a second, timed on the simulator's side as the sending is: its count of
   * deliver_sm answered (each only once its write is committed), sampled every 100 ms. The wait
   * ends when every part is delivered in the database, or nothing moved for a while.
   */
  const receiptsOf = async (parts: number, delayS: number, acked: PeerCounter) => {
    await acked.start();
    // CPU from the first receipt answered: before it the processes only wait (delayS).
    const before = await acked.read();
    for (const until = Date.now() + (delayS + 30) * 1000; (await acked.read()) === before && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
    const cpu = cpuMeter();
    const applied = async () => (await db.query(`SELECT count(*)::int AS n FROM message_parts WHERE state = 'delivered'`)).rows[0].n as number;
    let first: number | undefined;
    let polledAt = Date.now();
    let last = { at: polledAt, n: await applied() };
    for (let quiet = 0; last.n < parts && quiet < (delayS + 30) * 2; ) {
      await new Promise((r) => setTimeout(r, 500));
      const n = await applied();
      const at = Date.now();
      if (n === last.n) quiet++;
      else {
        // Not the start of the wait: the receipts come delayS after their parts, long after it.
        first ??= polledAt;
        quiet = 0;
        last = { at, n };
      }
      polledAt = at;
    }
    const cpuMs = cpu()(Math.max(last.n, 1));
    const peer = await acked.stop();
    const perSecond = peer.seconds > 0 ? peer.count / peer.seconds : 0;
    console.log(`  receipts: ${last.n} of ${parts} parts delivered; the simulator had ${peer.count} answered in ${peer.seconds.toFixed(2)} s → ${Math.round(perSecond)}/s ` +
      `(by the database's count, polled every 500 ms: ${first === undefined ? 0 : ((last.at - first) / 1000).toFixed(1)} s)`);
    console.log(`    CPU from the first receipt answered, ms per 1,000 receipts: ${cpuLine(cpuMs)}`);
    return { perSecond, applied: last.n, seconds: peer.seconds };
  };

  /** (a)–(d) once: the engine's phases, then with api and worker stopped the raw loops over the same messages. */
  const round = async (r: number) => {
    console.log(`round ${r}:`);
    const services = await startServices(sim.port);
    const sms = emailOnly ? undefined : await phase('sms');
    const email = smsOnly ? undefined : await phase('email');
    const workerLines = services.worker.lines;
    await Promise.all([services.api.stop(), services.worker.stop()]);
    api = worker = undefined;
    // Autovacuum of what (a) and (c) wrote would otherwise take CPU from the baselines.
    await db.query(`VACUUM ANALYZE notification_threads, messages, message_parts`);

    let rawSms: { parts: number; peer: { count: number; seconds: number }; cpuMs: CpuMs } | undefined;
    if (sms) {
      await counters.sms.start();
      const cpu = cpuMeter(false);
      const { parts } = await rawSmpp(sim.port, sms.sent, WINDOW);
      const cpuMs = cpu()(sms.sent.length);
      rawSms = { parts, peer: await counters.sms.stop(), cpuMs };
      console.log(`  raw smpp: ${sms.sent.length} texts (${parts} parts), the simulator took ${rawSms.peer.count} in ${rawSms.peer.seconds.toFixed(2)} s`);
      console.log(`    CPU, ms per 1,000 texts: ${cpuLine(cpuMs)}`);
    }
    let rawEmail: { peer: { count: number; seconds: number }; cpuMs: CpuMs } | undefined;
    if (email) {
      let cpu = cpuMeter(false);
      await rawPool(sink.port, poolSize, email.sent, async () => {
        await counters.email.start();
        cpu = cpuMeter(false);
      });
      const cpuMs = cpu()(email.sent.length);
      rawEmail = { peer: await counters.email.stop(), cpuMs };
      console.log(`  raw nodemailer pool: ${email.sent.length} emails, the sink took ${rawEmail.peer.count} in ${rawEmail.peer.seconds.toFixed(2)} s`);
      console.log(`    CPU, ms per 1,000 emails: ${cpuLine(cpuMs)}`);
    }
    return { sms, email, rawSms, rawEmail, workerLines };
  };

  try {
    const results: Array<Awaited<ReturnType<typeof round>>> = [];
    for (let r = 1; r <= rounds; r++) results.push(await round(r));

    // (e): receipts held back until the sending is surely over, so they are measured on their own.
    const receiptsPhase = async () => {
      const delayS = Math.ceil(results[0].sms!.peer.seconds * 1.5 + 10);
      const receiptHttp = await freePort();
      receiptSim = await PeerProcess.start('smsc-simulator', { ...simEnv, SMSC_SIM_HTTP_PORT: String(receiptHttp), SMSC_SIM_RECEIPT_DELAY_MS: String(delayS * 1000), SMSC_SIM_OUTCOMES: 'DELIVRD=100' }, /SMPP on (\d+)/);
      counters.sms = new PeerCounter(`http://127.0.0.1:${receiptHttp}/stats`, 'submitted');
      await startServices(receiptSim.port);
      console.log(`  receipts: the SMS incident again, its receipts ${delayS} s after each part`);
      const again = await phase('sms');
      const receipts = await receiptsOf(again.parts, delayS, new PeerCounter(`http://127.0.0.1:${receiptHttp}/stats`, 'receiptsAcked'));
      reportReceiptBatches(worker!.lines);
      return { ...receipts, parts: again.parts };
    };
    const receipts = emailOnly ? undefined : await receiptsPhase();

    const n = (x: number) => Math.round(x).toLocaleString('en');
    const rate = (p: { count: number; seconds: number }) => p.count / p.seconds;
    console.log(`\nbench:channels — ${subscribers.toLocaleString('en')} subscribers, scope of ~${wanted.toLocaleString('en')}, window ${WINDOW}, ` +
      `SMTP pool ${poolSize}, ${cpus().length} cores, ${rounds} round(s); rates on the peer's clock, CPU from /proc`);
    const each = <T>(f: (r: (typeof results)[number]) => T) => results.map(f);
    if (!emailOnly) {
      for (const [i, r] of results.entries()) {
        measured(`round ${i + 1}: (a) SMS accepted`, r.sms!.accepted);
        report(`round ${i + 1}: SMS not accepted`, String(r.sms!.other), { ok: r.sms!.other === 0, text: '0' });
        report(`round ${i + 1}: submit_sm at the simulator (a) / (b) / parts`, `${r.sms!.peer.count} / ${r.rawSms!.peer.count} / ${r.sms!.parts}`, {
          ok: r.sms!.peer.count === r.sms!.parts && r.rawSms!.peer.count === r.sms!.parts, text: 'equal' });
        timedEnough(`round ${i + 1}: (a) span on the simulator`, r.sms!.peer.seconds);
        timedEnough(`round ${i + 1}: (b) span on the simulator`, r.rawSms!.peer.seconds);
      }
      const engineSms = each((r) => r.sms!.cpuMs.worker + r.sms!.cpuMs.postgres);
      const rawSmsCpu = each((r) => r.rawSms!.cpuMs.bench);
      const smsRatios = results.map((_, i) => engineSms[i] / rawSmsCpu[i]);
      report('(a) SMS via worker → simulator, texts/s', spread(each((r) => rate(r.sms!.peer))));
      report('(b) raw smpp loop → simulator, texts/s', spread(each((r) => rate(r.rawSms!.peer))));
      report('(a) / (b), by rate', spread(results.map((r) => (rate(r.sms!.peer) / rate(r.rawSms!.peer)) * 100)) + ' %');
      report('(a) worker CPU, ms per 1,000 texts', spread(each((r) => r.sms!.cpuMs.worker)));
      report('(a) PostgreSQL CPU (this database), ms per 1,000', spread(each((r) => r.sms!.cpuMs.postgres)));
      report('(a) simulator CPU, ms per 1,000 texts', spread(each((r) => r.sms!.cpuMs.simulator)));
      report('(b) raw client CPU, ms per 1,000 texts', spread(rawSmsCpu));
      measured('(b) raw client CPU measured', Math.min(...rawSmsCpu), Math.min(...rawSmsCpu).toFixed(0));
      report('engine (worker + PostgreSQL) / raw client CPU', `${spread(smsRatios, 2)}×`, { ok: median(smsRatios) <= 2, text: '≤ 2.0× (median)' });
    }
    if (!smsOnly) {
      for (const [i, r] of results.entries()) {
        measured(`round ${i + 1}: (c) emails accepted`, r.email!.accepted);
        report(`round ${i + 1}: emails not accepted`, String(r.email!.other), { ok: r.email!.other === 0, text: '0' });
        report(`round ${i + 1}: emails at the sink (c) / (d) / sent`, `${r.email!.peer.count} / ${r.rawEmail!.peer.count} / ${r.email!.sent.length}`, {
          ok: r.email!.peer.count === r.email!.sent.length && r.rawEmail!.peer.count === r.email!.sent.length, text: 'equal' });
        timedEnough(`round ${i + 1}: (c) span on the sink`, r.email!.peer.seconds);
        timedEnough(`round ${i + 1}: (d) span on the sink`, r.rawEmail!.peer.seconds);
      }
      const emailRatios = results.map((r) => rate(r.email!.peer) / rate(r.rawEmail!.peer));
      report('(c) email via worker → sink, emails/s', spread(each((r) => rate(r.email!.peer))));
      report('(d) raw nodemailer pool → sink, emails/s', spread(each((r) => rate(r.rawEmail!.peer))));
      report('(c) / (d), by rate', `${spread(emailRatios.map((x) => x * 100))} %`, { ok: median(emailRatios) >= 0.8, text: '≥ 80 % (median)' });
      const workerEmail = each((r) => r.email!.cpuMs.worker);
      report('(c) worker CPU, ms per 1,000 emails', spread(workerEmail), { ok: median(workerEmail) <= 250, text: '≤ 250 ms (median)' });
      report('(c) PostgreSQL CPU (this database), ms per 1,000', spread(each((r) => r.email!.cpuMs.postgres)));
      report('(d) raw pool client CPU, ms per 1,000 emails', spread(each((r) => r.rawEmail!.cpuMs.bench)));
      const rawPoolCpu = Math.min(...each((r) => r.rawEmail!.cpuMs.bench));
      measured('(d) raw pool client CPU measured', rawPoolCpu, rawPoolCpu.toFixed(0));
    }
    if (receipts) {
      report(`(e) receipts applied, ${receiverBinds}`, `${n(receipts.perSecond)} /s`);
      timedEnough('(e) span on the simulator', receipts.seconds);
      report('    parts delivered / parts sent', `${receipts.applied} / ${receipts.parts}`, { ok: receipts.parts > 0 && receipts.applied === receipts.parts, text: 'all' });
    }
    reportBatchPhases(results[results.length - 1].workerLines);
  } finally {
    await Promise.all([api?.stop(), worker?.stop()]);
    await Promise.all([sim.stop(), sink.stop(), receiptSim?.stop()]);
    await db.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
