import { request } from 'http';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'stream';
import { maskText } from '../common/mask';
import { pipeline } from 'stream/promises';
import {
  AREA_FIELDS,
  DemoNetwork,
  ELEMENT_FIELDS,
  generateNetwork,
  subscriberChunks,
  toCsv,
} from './generator';

export interface SeedOptions {
  baseUrl: string;
  adminKey: string;
  databaseUrl: string;
  subscribers: number;
  seed?: number;
  log: (line: string) => void;
}

export interface SeedResult {
  areas: number;
  elements: number;
  subscribers: number;
  managers: number;
  /** What did the work: the bulk import API, direct SQL, or nothing because it was already there. */
  via: 'import api' | 'sql' | 'already seeded';
}

interface HttpResult {
  status: number;
  body: string;
}

/** POSTs a body (string or stream of strings) and collects the answer. */
function post(url: string, key: string, contentType: string, body: string | Iterable<string>): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': contentType } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    pipeline(Readable.from(typeof body === 'string' ? [body] : body), req).catch(reject);
  });
}

function expectOk(what: string, r: HttpResult): void {
  if (r.status >= 300) throw new Error(`seeding ${what} failed: HTTP ${r.status} ${maskText(r.body.slice(0, 2000))}`);
}

async function hasImportApi(baseUrl: string): Promise<boolean> {
  const res = await fetch(`${baseUrl}/docs-json`).catch(() => undefined);
  if (!res?.ok) return false;
  const doc = (await res.json()) as { paths?: Record<string, unknown> };
  return ['/v1/imports/areas', '/v1/imports/network-elements', '/v1/imports/subscribers'].every((p) => doc.paths?.[p]);
}

async function copyCsv(db: Client, table: string, columns: string[], chunks: Iterable<string>): Promise<void> {
  const sql = `COPY ${table} (${columns.join(', ')}) FROM STDIN (FORMAT csv, HEADER true)`;
  await pipeline(Readable.from(chunks), db.query(copyFrom(sql)));
}

/**
 * Stand-in for the bulk import API while it does not exist: COPY into temporary tables, then
 * insert level by level (the path trigger looks its parent up, so a parent must be committed to
 * the table before its children's statement starts).
 */
async function seedWithSql(db: Client, network: DemoNetwork, count: number, seed: number): Promise<void> {
  await db.query('BEGIN');
  await db.query(`CREATE TEMP TABLE demo_areas (code text, name text, parent_code text, timezone text) ON COMMIT DROP`);
  await db.query(`CREATE TEMP TABLE demo_elements (code text, name text, kind text, parent_code text, area_code text) ON COMMIT DROP`);
  await db.query(`CREATE TEMP TABLE demo_subscribers (external_id text, name text, phone text, email text, locale text,
    timezone text, quiet_start text, quiet_end text, tier text, flags text, area_code text, access_element_code text,
    sms boolean, email_consent boolean) ON COMMIT DROP`);
  await copyCsv(db, 'demo_areas', ['code', 'name', 'parent_code', 'timezone'], [toCsv(network.areas, AREA_FIELDS)]);
  await copyCsv(db, 'demo_elements', ['code', 'name', 'kind', 'parent_code', 'area_code'], [toCsv(network.elements, ELEMENT_FIELDS)]);
  await copyCsv(db, 'demo_subscribers', ['external_id', 'name', 'phone', 'email', 'locale', 'timezone', 'quiet_start', 'quiet_end',
    'tier', 'flags', 'area_code', 'access_element_code', 'sms', 'email_consent'], subscriberChunks(network, count, { seed }));

  for (let inserted = 1; inserted > 0; ) {
    ({ rowCount: inserted } = (await db.query(`
      INSERT INTO areas (code, name, parent_id, timezone)
      SELECT s.code, s.name, p.id, s.timezone FROM demo_areas s LEFT JOIN areas p ON p.code = s.parent_code
      WHERE (s.parent_code IS NULL OR p.id IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = s.code)`)) as { rowCount: number });
  }
  for (let inserted = 1; inserted > 0; ) {
    ({ rowCount: inserted } = (await db.query(`
      INSERT INTO network_elements (code, name, kind, parent_id, area_id)
      SELECT s.code, s.name, s.kind, p.id, a.id FROM demo_elements s
      LEFT JOIN network_elements p ON p.code = s.parent_code LEFT JOIN areas a ON a.code = s.area_code
      WHERE (s.parent_code IS NULL OR p.id IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM network_elements e WHERE e.code = s.code)`)) as { rowCount: number });
  }
  const minutes = (col: string) => `split_part(${col}, ':', 1)::int * 60 + split_part(${col}, ':', 2)::int`;
  await db.query(`
    INSERT INTO subscribers (external_id, name, phone, email, locale, timezone, quiet_start, quiet_end, tier, flags,
                             area_id, access_element_id, sms_consent, email_consent)
    SELECT s.external_id, s.name, s.phone, s.email, s.locale, s.timezone, ${minutes('s.quiet_start')}, ${minutes('s.quiet_end')},
           s.tier::subscriber_tier, coalesce(string_to_array(nullif(s.flags, ''), ';'), '{}'), a.id, e.id, s.sms, s.email_consent
    FROM demo_subscribers s JOIN areas a ON a.code = s.area_code LEFT JOIN network_elements e ON e.code = s.access_element_code
    ON CONFLICT (external_id) DO NOTHING`);
  await db.query('COMMIT');
}

async function counts(db: Client): Promise<Omit<SeedResult, 'via'>> {
  const { rows } = await db.query(`SELECT (SELECT count(*) FROM areas)::int AS areas,
    (SELECT count(*) FROM network_elements)::int AS elements, (SELECT count(*) FROM subscribers)::int AS subscribers,
    (SELECT count(*) FROM outage_managers)::int AS managers`);
  return rows[0];
}

/**
 * Loads the demo network, `subscribers` subscribers and the outage managers — through the
 * public API where it exists, so the demo exercises what a real integrator would use. Running it
 * again changes nothing: the last subscriber's presence marks a finished seed, and managers are
 * matched by email.
 */
export async function seedDemo(opts: SeedOptions): Promise<SeedResult> {
  const seed = opts.seed ?? 1;
  const network = generateNetwork(seed);
  const db = new Client({ connectionString: opts.databaseUrl, application_name: 'outage-notifier-demo-seed' });
  await db.connect();
  try {
    const lastId = `SUB-${String(opts.subscribers).padStart(8, '0')}`;
    const done = (await db.query(`SELECT 1 FROM subscribers WHERE external_id = $1`, [lastId])).rowCount === 1;
    let via: SeedResult['via'] = 'already seeded';
    if (!done) {
      const started = Date.now();
      if (await hasImportApi(opts.baseUrl)) {
        via = 'import api';
        opts.log(`importing ${network.areas.length} areas, ${network.elements.length} network elements and ${opts.subscribers} subscribers through the bulk import API`);
        expectOk('areas', await post(`${opts.baseUrl}/v1/imports/areas`, opts.adminKey, 'text/csv', toCsv(network.areas, AREA_FIELDS)));
        expectOk('network elements', await post(`${opts.baseUrl}/v1/imports/network-elements`, opts.adminKey, 'text/csv',
          toCsv(network.elements, ELEMENT_FIELDS)));
        expectOk('subscribers', await post(`${opts.baseUrl}/v1/imports/subscribers`, opts.adminKey, 'text/csv',
          subscriberChunks(network, opts.subscribers, { seed })));
      } else {
        via = 'sql';
        opts.log(`the bulk import API is not available yet: loading ${opts.subscribers} subscribers with COPY`);
        await seedWithSql(db, network, opts.subscribers, seed).catch(async (e) => {
          await db.query('ROLLBACK');
          throw e;
        });
      }
      opts.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }

    const existing = new Set((await db.query(`SELECT email FROM outage_managers`)).rows.map((r: { email: string }) => r.email));
    for (const m of network.managers.filter((x) => !existing.has(x.email))) {
      expectOk('outage managers', await post(`${opts.baseUrl}/v1/outage-managers`, opts.adminKey, 'application/json', JSON.stringify(m)));
    }
    return { ...(await counts(db)), via };
  } finally {
    await db.end();
  }
}
