/**
 * npm run bench:fanout [-- --subscribers 2000000 --affected 1000000]
 *
 * The notification engine alone: api and worker as real processes, channels set to no-op, an
 * incident hitting about half the operator across its time zones at a moment when part of them
 * sleeps. Times: deferral groups, first message handed over, every awake subscriber's SMS handed
 * over; peak RSS of both processes and Redis. Baselines in the same run, each compared: a raw
 * INSERT … SELECT of the same rows (the declare, which stores as many impact rows, and planning,
 * which marks as many threads due, as multiples of it) and a raw BullMQ addBulk of as many jobs as
 * the run used (as a share of the send-out they carried). A run where nothing was
 * sent, or everyone was deferred, fails: its times would measure nothing.
 */
import { Queue } from 'bullmq';
import { randomBytes } from 'crypto';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { arg, BENCH_ADMIN_KEY, clearIncidents, databaseMb, measured, quietWindowFor, report, reportBatchPhases, seededDatabase, timed, untilNothingDue } from './support';
import { freePort, ServiceProcess } from '../support/processes';
import { pickScope } from './impact.bench';

async function main(): Promise<void> {
  const subscribers = arg('subscribers', 2_000_000);
  const wanted = arg('affected', subscribers / 2);
  const url = await seededDatabase(`outage_bench_${subscribers}`, subscribers);
  const db = new Client({ connectionString: url });
  await db.connect();
  await clearIncidents(db);
  await db.query(`VACUUM ANALYZE`);
  const sizeBefore = await databaseMb(db);

  const redis = new IORedis(process.env.REDIS_URL!);
  await redis.config('RESETSTAT');
  const redisBefore = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  const port = await freePort();
  // The "about 30 % asleep", whatever the hour: the operator's default quiet window is chosen to give it.
  const quiet = await quietWindowFor(db, 0.3, 'Europe/Moscow');
  const env = {
    DATABASE_URL: url, QUEUE_PREFIX: prefix, CHANNELS: 'noop', PORT: String(port), ADMIN_API_KEY: BENCH_ADMIN_KEY, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    DEFAULT_TIMEZONE: 'Europe/Moscow', DEFAULT_QUIET_HOURS: quiet.setting,
  };
  const api = new ServiceProcess('api', env);
  const worker = new ServiceProcess('worker', env);
  let redisPeak = redisBefore;
  const redisSampler = setInterval(async () => {
    redisPeak = Math.max(redisPeak, Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]));
  }, 200);
  try {
    await api.waitFor((l) => l.msg === 'api listening');
    await worker.waitFor((l) => l.msg === 'worker started');
    const scope = await pickScope(db, wanted);
    const base = `http://127.0.0.1:${port}`;
    const post = (path: string, body: unknown) =>
      fetch(base + path, { method: 'POST', headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
        .then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const preview = await post('/v1/incidents/preview', { scope });

    const declared = await timed(() =>
      post('/v1/incidents', { title: 'Benchmark fan-out', kind: 'outage', scope, etr: new Date(Date.now() + 4 * 3600_000).toISOString() }),
    );
    const declaredAt = Date.now();
    if (declared.result.status !== 201) {
      throw new Error(`declare: ${JSON.stringify(api.lines.filter((l) => l.level === 'error'))}`);
    }
    const incidentId = declared.result.body.id;
    const planned = await worker.waitFor((l) => l.msg === 'incident planned' && l.incidentId === incidentId, 600_000);

    await untilNothingDue(db);
    const { rows: [m] } = await db.query(
      `SELECT count(*) FILTER (WHERE channel = 'sms')::int AS sms, count(*) FILTER (WHERE channel = 'email')::int AS email,
              extract(epoch FROM min(sent_at)) * 1000 AS first_ms, extract(epoch FROM max(sent_at) FILTER (WHERE channel = 'sms')) * 1000 AS last_sms_ms,
              count(*) FILTER (WHERE channel = 'sms' AND quiet_bypass)::int AS bypassed
       FROM messages WHERE incident_id = $1 AND state = 'accepted'`,
      [incidentId],
    );
    const { rows: [t] } = await db.query(
      `SELECT count(*) FILTER (WHERE channel = 'sms')::int AS sms_threads,
              count(*) FILTER (WHERE channel = 'sms' AND told_kind IS NULL AND state = 'due' AND send_after > now())::int AS deferred
       FROM notification_threads WHERE incident_id = $1`,
      [incidentId],
    );
    const { rows: [dup] } = await db.query(
      `SELECT count(*)::int AS n FROM (SELECT thread_id FROM messages WHERE incident_id = $1 GROUP BY thread_id, kind HAVING count(*) > 1) d`,
      [incidentId],
    );
    // Asleep now by the data: SMS threads whose subscriber is in quiet hours (and not 24/7).
    const jobsUsed = Math.ceil((m.sms + m.email) / 500);

    // Baselines.
    await db.query(`CREATE TEMP TABLE raw_threads (LIKE notification_threads INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)`);
    const raw = await timed(async () => {
      return db.query(
        `INSERT INTO raw_threads (incident_id, subscriber_id, channel, priority, state, send_after, due_version)
         SELECT incident_id, subscriber_id, 'sms', 2, 'due', now(), 1 FROM incident_impact WHERE incident_id = $1`,
        [incidentId],
      );
    });
    const queue = new Queue('bench-raw', { connection: redis, prefix });
    const bulk = await timed(() => queue.addBulk(Array.from({ length: jobsUsed }, (_, i) => ({ name: 'DeliverBatchJob', data: { claimId: `raw-${i}` } }))));
    await queue.obliterate({ force: true });

    clearInterval(redisSampler);
    const sizeAfter = await databaseMb(db);
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    console.log(`\nbench:fanout — ${subscribers.toLocaleString('en')} subscribers, ${declared.result.body.affected.toLocaleString('en')} affected, channels no-op`);
    report('declare (api answer)', ms(declared.ms));
    report('default quiet hours (chosen for ~30 % asleep)', quiet.setting);
    report('asleep now (preview)', `${preview.body.inQuietHoursNow} of ${preview.body.affected}`);
    const engineRedisMb = (redisPeak - redisBefore) / 1048576;
    const awake = t.sms_threads - t.deferred;
    // Nothing sent, or everyone deferred: the times below would compare null with the declare.
    measured('SMS handed over', m.sms);
    measured('awake SMS threads (not deferred)', awake);
    measured('baseline: rows the raw INSERT … SELECT wrote', raw.result.rowCount ?? 0);
    // Groups are computed slice by slice (vip and business first), so the first texts wait for one slice only.
    report('first slice grouped, timed and marked due', ms(Number(planned.firstSliceMs)), { ok: Number(planned.firstSliceMs) <= 1000, text: '≤ 1000 ms' });
    report('deferral groups, all slices (sum, while sending)', ms(Number(planned.groupsMs)));
    report('planning (threads marked due)', ms(Number(planned.ms)));
    report('first message handed after declare', ms(m.first_ms - declaredAt), {
      ok: m.first_ms !== null && m.first_ms - declaredAt <= 1000, text: '≤ 1000 ms' });
    report('all awake SMS handed after declare', ms(m.last_sms_ms - declaredAt), {
      ok: m.last_sms_ms !== null && m.last_sms_ms - declaredAt <= 60_000, text: '≤ 60000 ms' });
    report('SMS sent / deferred / SMS threads', `${m.sms} / ${t.deferred} / ${t.sms_threads}`, {
      ok: m.sms + t.deferred === t.sms_threads, text: 'sent + deferred = threads' });
    report('duplicates (thread × kind sent twice)', String(dup.n), { ok: dup.n === 0, text: '0' });
    report('worker peak RSS', `${worker.peakMb.toFixed(0)} MB`, { ok: worker.peakMb <= 512, text: '≤ 512 MB' });
    report('api peak RSS', `${api.peakMb.toFixed(0)} MB`, { ok: api.peakMb <= 512, text: '≤ 512 MB' });
    report('Redis peak memory (growth)', `${engineRedisMb.toFixed(1)} MB`, { ok: engineRedisMb <= 100, text: '≤ 100 MB' });
    // The same rows, set-based: the declare stores the impact (a row per affected), planning marks threads due; the queue's
    // own cost is what a raw addBulk of as many jobs takes, against the send-out it carried.
    report('declare / raw INSERT … SELECT of the rows', `${(declared.ms / raw.ms).toFixed(1)}×`);
    report('planning / raw INSERT … SELECT of the rows', `${(Number(planned.ms) / raw.ms).toFixed(1)}×`);
    report('raw addBulk / all awake SMS handed', `${((bulk.ms / (m.last_sms_ms - declaredAt)) * 100).toFixed(1)} %`);
    report('emails handed', String(m.email));
    reportBatchPhases(worker.lines);
    report('24/7 subscribers told at night', String(m.bypassed));
    report('PostgreSQL growth', `${(sizeAfter - sizeBefore).toFixed(0)} MB`);
    report(`baseline: raw INSERT … SELECT of ${raw.result.rowCount} rows`, ms(raw.ms));
    report(`baseline: raw BullMQ addBulk of ${jobsUsed} jobs`, ms(bulk.ms));
  } finally {
    clearInterval(redisSampler);
    await Promise.all([api.stop(), worker.stop()]);
    await redis.quit();
    await db.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
