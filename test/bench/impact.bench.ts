/**
 * npm run bench:impact [-- --subscribers 2000000 --affected 1000000]
 *
 * Seeds the demo operator (kept between runs), then picks a scope of whole regions plus single
 * access elements elsewhere that together hit about `--affected` subscribers, and times
 *   - the baseline: a plain SELECT count(*) of the same set,
 *   - POST /v1/incidents/preview (target ≤ 2 s),
 *   - POST /v1/incidents, impact stored and manager assigned (target ≤ 10 s).
 */
import { Client } from 'pg';
import { seedDemo } from '../../src/demo/seed';
import { arg, BENCH_ADMIN_KEY, benchDatabase, postJson, report, startApi, timed } from './support';

export async function pickScope(db: Client, wanted: number): Promise<{ areaCodes: string[]; elementCodes: string[] }> {
  // Regions (depth 2) by size, largest first, while they fit; then access elements from the rest.
  const regions = await db.query(`
    SELECT r.code, count(s.id)::int AS n FROM areas r JOIN areas a ON a.path <@ r.path JOIN subscribers s ON s.area_id = a.id
    WHERE nlevel(r.path) = 2 GROUP BY r.code ORDER BY n DESC`);
  const areaCodes: string[] = [];
  let total = 0;
  for (const r of regions.rows) {
    if (total + r.n > wanted * 0.7) continue;
    areaCodes.push(r.code);
    total += r.n;
  }
  const elements = await db.query(
    `SELECT e.code, count(s.id)::int AS n FROM network_elements e JOIN subscribers s ON s.access_element_id = e.id
     WHERE NOT EXISTS (SELECT 1 FROM areas r JOIN areas a ON a.path <@ r.path WHERE r.code = ANY($1) AND a.id = s.area_id)
     GROUP BY e.code ORDER BY e.code`,
    [areaCodes],
  );
  const elementCodes: string[] = [];
  for (const e of elements.rows) {
    if (total >= wanted) break;
    elementCodes.push(e.code);
    total += e.n;
  }
  return { areaCodes, elementCodes };
}

async function main(): Promise<void> {
  const subscribers = arg('subscribers', 2_000_000);
  const wanted = arg('affected', subscribers / 2);
  const url = await benchDatabase(`outage_bench_${subscribers}`);
  const { app, baseUrl } = await startApi(url);
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const seeded = await timed(() =>
      seedDemo({ baseUrl, adminKey: BENCH_ADMIN_KEY, databaseUrl: url, subscribers, log: (l) => console.log(`  ${l}`) }),
    );
    console.log(`seed: ${seeded.result.subscribers} subscribers (${seeded.result.via}, ${(seeded.ms / 1000).toFixed(1)} s)`);
    await db.query(`TRUNCATE incidents, incident_events, incident_impact, call_tasks, call_attempts CASCADE`); // else everyone is a repeat
    await db.query(`VACUUM ANALYZE`);

    const scope = await pickScope(db, wanted);
    const ids = await db.query(
      `SELECT ARRAY(SELECT a.id FROM areas r JOIN areas a ON a.path <@ r.path WHERE r.code = ANY($1)) AS areas,
              ARRAY(SELECT e.id FROM network_elements r JOIN network_elements e ON e.path <@ r.path WHERE r.code = ANY($2)) AS elements`,
      [scope.areaCodes, scope.elementCodes],
    );
    const baseline = await timed(() =>
      db.query(`SELECT count(*)::int AS n FROM subscribers s WHERE s.area_id = ANY($1) OR s.access_element_id = ANY($2)`, [
        ids.rows[0].areas, ids.rows[0].elements,
      ]),
    );
    const affected = baseline.result.rows[0].n;
    const previews = [];
    for (let i = 0; i < 3; i++) previews.push(await timed(() => postJson(baseUrl, '/v1/incidents/preview', { scope })));
    const declare = await timed(() =>
      postJson(baseUrl, '/v1/incidents', {
        title: 'Benchmark: regional ring failure', kind: 'outage', scope, etr: new Date(Date.now() + 4 * 3600_000).toISOString(),
      }),
    );
    if (declare.result.status !== 201) throw new Error(`declare failed: ${JSON.stringify(declare.result.body)}`);
    const preview = previews[0].result.body;

    console.log(`\nbench:impact — ${subscribers.toLocaleString('en')} subscribers, scope: ${scope.areaCodes.length} regions + ${scope.elementCodes.length} access elements`);
    report('affected (plain count)', affected.toLocaleString('en'));
    report('baseline: SELECT count(*) of the set', `${baseline.ms.toFixed(0)} ms`);
    const ok = [
      report('preview (first / best of 3)', `${previews[0].ms.toFixed(0)} / ${Math.min(...previews.map((p) => p.ms)).toFixed(0)} ms`, {
        ok: previews[0].ms <= 2000, text: '≤ 2000 ms' }),
      report('preview / baseline', `${(previews[0].ms / baseline.ms).toFixed(2)}×`),
      report('declare (impact stored, manager assigned)', `${declare.ms.toFixed(0)} ms`, { ok: declare.ms <= 10_000, text: '≤ 10000 ms' }),
      report('preview and declare agree with the count', `${preview.affected} / ${declare.result.body.affected}`, {
        ok: preview.affected === affected && declare.result.body.affected === affected, text: `= ${affected}` }),
    ].every(Boolean);
    report('in quiet hours now (preview)', String(preview.inQuietHoursNow));
    report('manager', declare.result.body.manager ? 'assigned' : 'none', { ok: !!declare.result.body.manager, text: 'assigned' });
    const tasks = await db.query(`SELECT count(*)::int AS n FROM call_tasks WHERE incident_id = $1`, [declare.result.body.id]);
    report('call tasks stored', String(tasks.rows[0].n));
    process.exitCode = ok ? 0 : 1;
  } finally {
    await db.end();
    await app.close();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
