/**
 * npm run bench:import [-- --rows N]
 *
 * Imports N generated subscribers (default 1,000,000) through the real api process, streamed
 * from a CSV file, then times a raw COPY of the same rows (codes already resolved to ids) into
 * the same table as the baseline. Prints rows/s for both, the ratio and the api's peak RSS, and
 * exits non-zero when a target is missed. A failed build stops it: a stale dist/ would measure
 * code that is not the checkout's.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, statSync, unlinkSync } from 'fs';
import { request } from 'http';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Writable } from 'stream';
import { once } from 'events';
import { pipeline } from 'stream/promises';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/options';
import { freePort } from '../support/processes';
import {
  AREA_FIELDS,
  ELEMENT_FIELDS,
  generateNetwork,
  generateSubscribers,
  SUBSCRIBER_CSV_HEADER,
  subscriberCsvLine,
  toCsv,
} from '../../src/demo/generator';
import { copyRow } from '../../src/imports/copy-text';
import { report } from './support';

const TARGET_SECONDS_PER_MILLION = 60;
const TARGET_RATIO = 0.5;
const TARGET_RSS_MB = 400;
const SEED = 1;
const ROOT = join(__dirname, '..', '..');

function rowsArg(): number {
  const i = process.argv.indexOf('--rows');
  const rows = i === -1 ? 1_000_000 : Number(process.argv[i + 1]);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows takes a positive integer');
  return rows;
}

const say = (line: string) => console.log(`[bench] ${line}`);
const seconds = (ms: number) => (ms / 1000).toFixed(1);

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** POSTs a string or a file, streamed, and returns the status and body. */
function post(url: string, key: string, contentType: string, body: { text?: string; file?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const length = body.file ? statSync(body.file).size : Buffer.byteLength(body.text!);
    const req = request(
      url,
      { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': contentType, 'content-length': length } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    if (body.file) createReadStream(body.file).pipe(req);
    else req.end(body.text);
  });
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** The peak resident set of a process so far, from the kernel's high-water mark. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function startApi(env: NodeJS.ProcessEnv, port: number): Promise<{ child: ChildProcess; logs: string[] }> {
  const child = spawn(process.execPath, ['dist/src/main.js', 'api'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const keep = (chunk: Buffer) => logs.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the api exited during start-up:\n${logs.slice(-20).join('\n')}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) return { child, logs };
    if (Date.now() > deadline) throw new Error(`the api did not become healthy:\n${logs.slice(-20).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  const rows = rowsArg();
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl || !process.env.REDIS_URL) throw new Error('DATABASE_URL and REDIS_URL must be set: run it with npm run bench:import');
  const dbName = `outage_bench_${randomBytes(4).toString('hex')}`;
  const dbUrl = withDatabase(serverUrl, dbName);
  const csvFile = join(tmpdir(), `${dbName}-subscribers.csv`);
  const copyFile = join(tmpdir(), `${dbName}-subscribers.copy`);
  const admin = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  let api: ChildProcess | undefined;
  const db = new Client({ connectionString: dbUrl });
  try {
    say(`database ${dbName}, ${rows.toLocaleString('en')} subscribers`);
    await admin.query(`CREATE DATABASE "${dbName}"`);
    const ds = new DataSource({ ...dataSourceOptions(dbUrl), entities: [] });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    await db.connect();

    say('building the api (npm run build)');
    try {
      execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
    } catch {
      throw new Error('the build failed: nothing measured (a stale dist/ would not be this checkout)');
    }
    const port = await freePort();
    const key = randomBytes(24).toString('hex');
    const started = await startApi(
      { ...process.env, DATABASE_URL: dbUrl, ADMIN_API_KEY: key, PORT: String(port), LOG_LEVEL: 'info' },
      port,
    );
    api = started.child;
    const base = `http://127.0.0.1:${port}/v1/imports`;

    const network = generateNetwork(SEED);
    for (const [kind, text] of [
      ['areas', toCsv(network.areas, AREA_FIELDS)],
      ['network-elements', toCsv(network.elements, ELEMENT_FIELDS)],
    ] as const) {
      const res = await post(`${base}/${kind}`, key, 'text/csv', { text });
      if (res.status !== 200) throw new Error(`importing ${kind} failed: ${res.status} ${res.body.slice(0, 1000)}`);
    }
    const zones = (await db.query(`SELECT count(DISTINCT effective_timezone)::int AS n FROM areas`)).rows[0].n;
    say(`network: ${network.areas.length} areas in ${zones} time zones, ${network.elements.length} network elements`);

    // One pass writes both files: the CSV for the API and the same rows, resolved to ids, for COPY.
    const ids = async (table: string) => new Map((await db.query(`SELECT code, id FROM ${table}`)).rows.map((r) => [r.code, r.id]));
    const areaIds = await ids('areas');
    const elementIds = await ids('network_elements');
    const minutes = (hhmm: string | null) => (hhmm === null ? null : Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)));
    const csvOut = createWriteStream(csvFile);
    const copyOut = createWriteStream(copyFile);
    let csvText = SUBSCRIBER_CSV_HEADER;
    let copyText = '';
    let n = 0;
    for (const s of generateSubscribers(network, rows, SEED)) {
      csvText += subscriberCsvLine(s);
      copyText += copyRow([
        s.externalId, s.name, s.phone, s.email, s.locale, s.timezone, minutes(s.quietStart), minutes(s.quietEnd), s.tier, s.flags,
        areaIds.get(s.areaCode), s.accessElementCode === null ? null : elementIds.get(s.accessElementCode), s.sms, s.emailConsent,
      ]);
      if (++n % 5000 === 0) {
        await Promise.all([write(csvOut, csvText), write(copyOut, copyText)]);
        csvText = copyText = '';
      }
    }
    await Promise.all([write(csvOut, csvText), write(copyOut, copyText)]);
    csvOut.end();
    copyOut.end();
    await Promise.all([once(csvOut, 'close'), once(copyOut, 'close')]);
    say(`CSV file ${(statSync(csvFile).size / 1024 / 1024).toFixed(0)} MB`);

    await db.query('CHECKPOINT').catch(() => undefined);
    say('POST /v1/imports/subscribers …');
    const t0 = Date.now();
    const res = await post(`${base}/subscribers`, key, 'text/csv', { file: csvFile });
    const importMs = Date.now() - t0;
    const rssMb = peakRssMb(api.pid!);
    if (res.status !== 200) throw new Error(`the import failed: ${res.status} ${res.body.slice(0, 2000)}`);
    const count = (await db.query(`SELECT count(*)::int AS n FROM subscribers`)).rows[0].n;
    if (count !== rows) throw new Error(`expected ${rows} subscribers after the import, found ${count}`);
    const done = started.logs.find((l) => l.includes('"import done"') && l.includes('"subscribers"'));
    say(`answer ${res.body}`);
    if (done) say(`api log: ${done}`);
    api.kill('SIGTERM');
    await once(api, 'exit');
    api = undefined;

    await db.query('TRUNCATE subscribers RESTART IDENTITY CASCADE');
    await db.query('CHECKPOINT').catch(() => undefined);
    say('raw COPY into subscribers …');
    const t1 = Date.now();
    await pipeline(
      createReadStream(copyFile),
      db.query(
        copyFrom(`COPY subscribers (external_id, name, phone, email, locale, timezone, quiet_start, quiet_end, tier, flags,
                                    area_id, access_element_id, sms_consent, email_consent) FROM STDIN`),
      ),
    );
    const copyMs = Date.now() - t1;

    const apiRate = rows / (importMs / 1000);
    const copyRate = rows / (copyMs / 1000);
    const ratio = apiRate / copyRate;
    const limitMs = (TARGET_SECONDS_PER_MILLION * 1000 * rows) / 1_000_000;
    const copied = (await db.query(`SELECT count(*)::int AS n FROM subscribers`)).rows[0].n as number;
    console.log(`\nbench:import — ${rows.toLocaleString('en')} subscribers`);
    report('rows the raw COPY wrote', copied.toLocaleString('en'), { ok: copied === rows, text: rows.toLocaleString('en') });
    report('import through the API', `${seconds(importMs)} s`, { ok: importMs <= limitMs, text: `≤ ${seconds(limitMs)} s` });
    report('  rows/s', Math.round(apiRate).toLocaleString('en'));
    report('raw COPY (baseline)', `${seconds(copyMs)} s`);
    report('  rows/s', Math.round(copyRate).toLocaleString('en'));
    report('API / raw COPY', `${(ratio * 100).toFixed(0)} %`, { ok: ratio >= TARGET_RATIO, text: `≥ ${TARGET_RATIO * 100} %` });
    report('api peak RSS', `${rssMb.toFixed(0)} MB`, { ok: rssMb <= TARGET_RSS_MB, text: `≤ ${TARGET_RSS_MB} MB` });
  } finally {
    if (api && api.exitCode === null) {
      api.kill('SIGTERM');
      await once(api, 'exit');
    }
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    for (const f of [csvFile, copyFile]) if (existsSync(f)) unlinkSync(f);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
