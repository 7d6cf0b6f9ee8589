/**
 * npm run bench:channels [-- --subscribers 200000 --affected 100000 --pool 5]
 *
 * The channels behind the engine, in one run. The SMSC simulator (acknowledging at once, no
 * receipts) and the SMTP sink run as their own processes; api and worker as real processes with
 * CHANNELS=live, window 100, no rate limit, nobody in quiet hours.
 *   (a) SMS through the worker path (claim, render, submit, response, batched state write):
 *       an incident whose subscribers only take SMS; accepted messages a second over the first to
 *       last sent_at in the messages table.
 *   (b) a raw `smpp` submit loop, window 100, to the same simulator: the same recipients and
 *       texts (read back from the messages table, encoded beforehand).
 *   (c) email through the worker path: a second incident whose subscribers only take email.
 *   (d) a raw nodemailer pool (as test/bench/email.bench.ts: one sendMail per connection in
 *       flight, same pool size) to the same sink with the same recipients, subjects and texts.
 * The api and worker are stopped before (b) and (d), so the baselines do not share the CPU.
 *   (e) receipts, last: (a) once more through a second simulator that sends a receipt per part
 *       once the sending is over, as fast as its window of 100 unanswered deliver_sm allows;
 *       parts marked delivered a second (each receipt is acknowledged after the write storing it).
 * Uses its own database (outage_channels_bench_<n>), since it rewrites consents and quiet hours.
 * It prints where the CPU went in (a) and (b), by process; `--sms-only` leaves out (c) and (d).
 */
import { createTransport } from 'nodemailer';
import { Client } from 'pg';
import { cpuSecondsOf, freePort, machineCpuSeconds, PeerProcess, ServiceProcess } from '../support/processes';
import { pickScope } from './impact.bench';
import { arg, BENCH_ADMIN_KEY, clearIncidents, rawSmpp, report, reportBatchPhases, seededDatabase, Sent, untilNothingDue } from './support';

const WINDOW = 100;
const FROM = 'Outage Notifier <noreply@example.net>';

/** (d): the raw pool of email.bench.ts, kept full (one sendMail per connection in flight). */
async function rawPool(port: number, poolSize: number, messages: Sent[]): Promise<number> {
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
    const started = performance.now();
    await send(messages, 'run');
    return messages.length / ((performance.now() - started) / 1000);
  } finally {
    raw.close();
  }
}

async function main(): Promise<void> {
  const subscribers = arg('subscribers', 200_000);
  const wanted = arg('affected', Math.min(100_000, subscribers / 2));
  const poolSize = arg('pool', 5);
  const smsOnly = process.argv.includes('--sms-only');
  const url = await seededDatabase(`outage_channels_bench_${subscribers}`, subscribers);
  const db = new Client({ connectionString: url });
  await db.connect();
  await db.query(`UPDATE subscribers SET quiet_start = NULL, quiet_end = NULL, sms_opted_out_at = NULL WHERE quiet_start IS NOT NULL OR sms_opted_out_at IS NOT NULL`);
  const scope = await pickScope(db, wanted);

  const simEnv = { SMSC_SIM_PORT: '0', SMSC_SIM_HTTP_PORT: '0', SMSC_SYSTEM_ID: 'outage', SMSC_PASSWORD: 'secret' };
  const sim = await PeerProcess.start('smsc-simulator', { ...simEnv, SMSC_SIM_RECEIPT_DELAY_MS: '-1' }, /SMPP on (\d+)/);
  let receiptSim: PeerProcess | undefined;
  const sink = await PeerProcess.start('smtp-sink', { SMTP_SINK_PORT: '0', SMTP_SINK_HTTP_PORT: '0', SMTP_SINK_KEEP: '100' }, /SMTP on (\d+)/);
  const port = await freePort();
  const env = {
    DATABASE_URL: url, QUEUE_PREFIX: `bench-ch-${process.pid}`, CHANNELS: 'live', PORT: String(port), ADMIN_API_KEY: BENCH_ADMIN_KEY, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    DEFAULT_QUIET_HOURS: '00:00-00:00', SMS_DAILY_CAP: '1000',
    SMSC_HOST: '127.0.0.1', SMSC_SYSTEM_ID: 'outage', SMSC_PASSWORD: 'secret', SMSC_BINDS: '1', SMSC_WINDOW: String(WINDOW),
    SMSC_MAX_RATE: '0', SMSC_BIND_MAX_RATE: '0',
    SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port), SMTP_STARTTLS: 'off', SMTP_POOL_SIZE: String(poolSize), SMTP_RATE_PER_SECOND: '0',
  };
  let api: ServiceProcess | undefined;
  let worker: ServiceProcess | undefined;
  const base = `http://127.0.0.1:${port}`;
  const post = (path: string, body: unknown) =>
    fetch(base + path, { method: 'POST', headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  /**
   * CPU seconds by process from now until the returned stop(); stop()(n) tells them in ms per 1,000 of n messages, with the
   * share of the machine's cores left idle (over the sending window when given).
   */
  const cpuMeter = () => {
    const read = () => ({
      worker: worker?.cpuSeconds ?? 0, api: api?.cpuSeconds ?? 0, postgres: cpuSecondsOf('postgres'), simulator: (receiptSim ?? sim).cpuSeconds, sink: sink.cpuSeconds,
      bench: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6, redis: cpuSecondsOf('redis-server'),
    });
    const before = read();
    // The machine's idle share is read every 100 ms, to be told over the sending window alone.
    const samples = [{ at: Date.now(), ...machineCpuSeconds() }];
    const sampler = setInterval(() => samples.push({ at: Date.now(), ...machineCpuSeconds() }), 100);
    return () => {
      clearInterval(sampler);
      const after = read();
      return (messages: number, window?: { from: number; to: number }) => {
        const inside = samples.filter((x) => !window || (x.at >= window.from && x.at <= window.to));
        const [a, b] = [inside[0], inside[inside.length - 1]];
        const idle = a && b && b.total > a.total ? `; cores idle ${(((b.idle - a.idle) / (b.total - a.total)) * 100).toFixed(0)} %${window ? ' while sending' : ''}` : '';
        const parts = (Object.keys(before) as Array<keyof typeof before>).map((k) => [k, ((after[k] - before[k]) * 1e6) / messages] as const);
        const total = parts.reduce((n, [, ms]) => n + ms, 0);
        return `${parts.filter(([, ms]) => ms >= 0.5).map(([k, ms]) => `${k} ${Math.round(ms)}`).join(', ')}; total ${Math.round(total)}${idle}`;
      };
    };
  };

  /** One incident over the scope with only `channel` consented; accepted messages a second over first to last sent_at. */
  const phase = async (channel: 'sms' | 'email') => {
    await clearIncidents(db);
    await db.query(`UPDATE subscribers SET sms_consent = $1, email_consent = $2 WHERE sms_consent <> $1 OR email_consent <> $2`, [channel === 'sms', channel === 'email']);
    await db.query(`VACUUM ANALYZE subscribers`);
    const declared = await post('/v1/incidents', { title: `Benchmark ${channel}`, kind: 'outage', scope, etr: new Date(Date.now() + 4 * 3600_000).toISOString() });
    if (declared.status !== 201) throw new Error(`declare: ${declared.status} ${JSON.stringify(declared.body)}`);
    const incidentId = declared.body.id;
    const cpu = cpuMeter();
    const planned = await worker!.waitFor((l) => l.msg === 'incident planned' && l.incidentId === incidentId, 600_000);
    await untilNothingDue(db);
    const used = cpu();
    const { rows: [m] } = await db.query(
      `SELECT count(*) FILTER (WHERE state = 'accepted')::int AS accepted, count(*) FILTER (WHERE state <> 'accepted')::int AS other,
              coalesce(sum(parts), 0)::int AS parts,
              extract(epoch FROM max(sent_at) - min(sent_at)) AS span_s, extract(epoch FROM min(sent_at)) * 1000 AS first_ms,
              extract(epoch FROM max(sent_at)) * 1000 AS last_ms,
              -- after planning: the path alone, with no planner sharing the cores
              count(*) FILTER (WHERE state = 'accepted' AND sent_at >= $3)::int AS after_planned,
              extract(epoch FROM max(sent_at) - $3) AS after_planned_s
       FROM messages WHERE incident_id = $1 AND channel = $2`,
      [incidentId, channel, planned.time],
    );
    const sent = (await db.query(`SELECT recipient, subject, body FROM messages WHERE incident_id = $1 AND channel = $2 ORDER BY id`, [incidentId, channel])).rows as Sent[];
    const perSecond = m.accepted / Math.max(Number(m.span_s), 0.001);
    const afterPlanned = m.after_planned / Math.max(Number(m.after_planned_s), 0.001);
    console.log(`  ${channel}: ${m.accepted} accepted (${m.parts} parts, ${m.other} not accepted) in ${Number(m.span_s).toFixed(2)} s → ${Math.round(perSecond)}/s`);
    console.log(`    after planning finished: ${m.after_planned} in ${Number(m.after_planned_s).toFixed(2)} s → ${Math.round(afterPlanned)}/s`);
    console.log(`    CPU from declare to nothing due (planning included), ms per 1,000 ${channel === 'sms' ? 'texts' : 'emails'}: ${used(m.accepted, { from: Number(m.first_ms), to: Number(m.last_ms) })}`);
    return { perSecond, afterPlanned, spanS: Number(m.span_s), accepted: m.accepted as number, other: m.other as number, parts: m.parts as number, sent };
  };

  /** The api and a worker as processes, bound to the simulator on `smscPort`, once both say they are up. */
  const startServices = async (smscPort: number) => {
    const started = { api: new ServiceProcess('api', { ...env, SMSC_PORT: String(smscPort) }), worker: new ServiceProcess('worker', { ...env, SMSC_PORT: String(smscPort) }) };
    ({ api, worker } = started);
    await started.api.waitFor((l) => l.msg === 'api listening');
    await started.worker.waitFor((l) => l.msg === 'worker started');
    return started;
  };

  /** (e): parts marked delivered a second, from the first to the last receipt applied. */
  const receiptsOf = async (parts: number, delayS: number) => {
    const applied = async () => (await db.query(`SELECT count(*)::int AS n FROM message_parts WHERE state = 'delivered'`)).rows[0].n as number;
    let first: number | undefined;
    let last = { at: Date.now(), n: await applied() };
    for (let quiet = 0; last.n < parts && quiet < (delayS + 30) * 2; ) {
      await new Promise((r) => setTimeout(r, 500));
      const n = await applied();
      if (n === last.n) quiet++;
      else {
        first ??= last.at;
        quiet = 0;
        last = { at: Date.now(), n };
      }
    }
    const perSecond = first === undefined ? 0 : last.n / ((last.at - first) / 1000);
    console.log(`  receipts: ${last.n} of ${parts} parts delivered → ${Math.round(perSecond)}/s`);
    return { perSecond, applied: last.n };
  };

  try {
    const first = await startServices(sim.port);
    const sms = await phase('sms');
    const email = smsOnly ? undefined : await phase('email');
    const workerLines = first.worker.lines;
    await Promise.all([first.api.stop(), first.worker.stop()]);
    api = worker = undefined;
    // Autovacuum of what (a) and (c) wrote would otherwise take CPU from the baselines.
    await db.query(`VACUUM ANALYZE notification_threads, messages, message_parts`);

    const cpu = cpuMeter();
    const rawSms = await rawSmpp(sim.port, sms.sent, WINDOW);
    const used = cpu();
    console.log(`  raw smpp: ${sms.sent.length} messages (${rawSms.parts} parts) → ${Math.round(rawSms.perSecond)}/s`);
    console.log(`    CPU, ms per 1,000 texts: ${used(sms.sent.length)}`);
    const rawEmail = email && (await rawPool(sink.port, poolSize, email.sent));

    // (e): receipts held back until the sending is surely over, so they are measured on their own.
    const delayS = Math.ceil(sms.spanS * 1.5 + 10);
    receiptSim = await PeerProcess.start('smsc-simulator', { ...simEnv, SMSC_SIM_RECEIPT_DELAY_MS: String(delayS * 1000), SMSC_SIM_OUTCOMES: 'DELIVRD=100' }, /SMPP on (\d+)/);
    await startServices(receiptSim.port);
    console.log(`  receipts: the SMS incident again, its receipts ${delayS} s after each part`);
    const again = await phase('sms');
    const receipts = await receiptsOf(again.parts, delayS);

    const n = (x: number) => Math.round(x).toLocaleString('en');
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    console.log(`\nbench:channels — ${subscribers.toLocaleString('en')} subscribers, scope of ~${wanted.toLocaleString('en')}, window ${WINDOW}, SMTP pool ${poolSize}, 2 cores`);
    const checks = [
      report('(a) SMS via worker → simulator', `${n(sms.perSecond)} SMS/s`, { ok: sms.perSecond >= 10_000, text: '≥ 10,000 SMS/s' }),
      report('    the same in submit_sm (SMS parts)', `${n((sms.perSecond * sms.parts) / sms.accepted)} parts/s`),
      report('    after planning finished', `${n(sms.afterPlanned)} SMS/s`),
      report('(b) raw smpp loop → simulator', `${n(rawSms.perSecond)} SMS/s`),
      report('(a) / (b)', pct(sms.perSecond / rawSms.perSecond), { ok: sms.perSecond / rawSms.perSecond >= 0.6, text: '≥ 60 %' }),
      report('SMS not accepted', String(sms.other), { ok: sms.other === 0, text: '0' }),
      report('(e) receipts applied, window 100', `${n(receipts.perSecond)} /s`),
      report('    parts delivered / parts sent', `${receipts.applied} / ${again.parts}`, { ok: receipts.applied === again.parts, text: 'all' }),
    ];
    if (email && rawEmail) {
      console.log(`  raw nodemailer pool: ${email.sent.length} emails → ${Math.round(rawEmail)}/s`);
      checks.push(
        report('(c) email via worker → sink', `${n(email.perSecond)} /s`),
        report('(d) raw nodemailer pool → sink', `${n(rawEmail)} /s`),
        report('(c) / (d)', pct(email.perSecond / rawEmail), { ok: email.perSecond / rawEmail >= 0.8, text: '≥ 80 %' }),
        report('emails not accepted', String(email.other), { ok: email.other === 0, text: '0' }),
      );
    }
    const ok = checks.every(Boolean);
    reportBatchPhases(workerLines);
    report('SMS messages / parts', `${sms.accepted} / ${sms.parts}`);
    if (email) report('emails', String(email.accepted));
    process.exitCode = ok ? 0 : 1;
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
