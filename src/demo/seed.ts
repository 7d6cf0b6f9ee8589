import { request } from 'http';
import { Client } from 'pg';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { maskText } from '../common/mask';
import { AREA_FIELDS, ELEMENT_FIELDS, generateNetwork, subscriberChunks, toCsv } from './generator';

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
  /** What did the work: the bulk import API, or nothing because the data was already there. */
  via: 'import api' | 'already seeded';
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

async function counts(db: Client): Promise<Omit<SeedResult, 'via'>> {
  const { rows } = await db.query(`SELECT (SELECT count(*) FROM areas)::int AS areas,
    (SELECT count(*) FROM network_elements)::int AS elements, (SELECT count(*) FROM subscribers)::int AS subscribers,
    (SELECT count(*) FROM outage_managers)::int AS managers`);
  return rows[0];
}

/**
 * Loads the demo network, `subscribers` subscribers and the outage managers through the public
 * API (bulk imports, POST /v1/outage-managers), as a real integrator would. Running it
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
      via = 'import api';
      opts.log(`importing ${network.areas.length} areas, ${network.elements.length} network elements and ${opts.subscribers} subscribers through the bulk import API`);
      expectOk('areas', await post(`${opts.baseUrl}/v1/imports/areas`, opts.adminKey, 'text/csv', toCsv(network.areas, AREA_FIELDS)));
      expectOk('network elements', await post(`${opts.baseUrl}/v1/imports/network-elements`, opts.adminKey, 'text/csv',
        toCsv(network.elements, ELEMENT_FIELDS)));
      expectOk('subscribers', await post(`${opts.baseUrl}/v1/imports/subscribers`, opts.adminKey, 'text/csv',
        subscriberChunks(network, opts.subscribers, { seed })));
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
