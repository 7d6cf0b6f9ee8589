import { randomBytes } from 'crypto';
import { ADMIN_KEY, TestApi } from '../support/api';
import { freshDatabase, TestDatabase } from '../support/db';
import { freePort, RedisServer, ServiceProcess } from '../support/processes';
import { expectCreated, seedTopology } from '../support/topology';

/**
 * Rate limits against the real api and a Redis of this test's own. Client addresses are told
 * apart by X-Forwarded-For, which the in-process api believes from loopback (TRUST_PROXY); the
 * api processes below keep the default (trust nobody), so that header changes nothing there.
 */

const AUTH_FAILURES = 5;
const API_REQUESTS = 60;
const UNKNOWN_CODES = 8;
const LIMITS = {
  RATE_LIMIT_AUTH_FAILURES: String(AUTH_FAILURES),
  RATE_LIMIT_API_REQUESTS: String(API_REQUESTS),
  RATE_LIMIT_UNKNOWN_CODES: String(UNKNOWN_CODES),
};

async function call(base: string, path: string, opts: { from?: string; key?: string; method?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.from) headers['x-forwarded-for'] = opts.from;
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  const res = await fetch(base + path, { method: opts.method ?? 'GET', headers });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* an HTML page */
  }
  return { status: res.status, headers: res.headers, body };
}

/** The contract's 429: Retry-After in whole seconds, not cached, the usual error body. */
function expectThrottled(res: Awaited<ReturnType<typeof call>>, limit: string): void {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.body.error).toMatchObject({ code: 'RATE_LIMITED', details: [{ limit }] });
}

describe('rate limits', () => {
  let redis: RedisServer;
  let api: TestApi;
  let code: string;

  beforeAll(async () => {
    redis = await RedisServer.start();
    api = await TestApi.start({ REDIS_URL: redis.url, QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`, TRUST_PROXY: 'loopback', ...LIMITS });
    await seedTopology(api);
    code = (await expectCreated(api, '/v1/incidents', { title: 'Fibre cut', kind: 'outage', scope: { areaCodes: ['RU'] } })).code;
  });
  afterAll(async () => {
    await api?.stop();
    await redis?.kill();
  });

  it('should answer 429 to an address past its wrong keys, yet serve a valid key from it and other addresses', async () => {
    const from = '198.51.100.1';
    for (let i = 0; i < AUTH_FAILURES; i++) expect((await call(api.baseUrl, '/v1/areas/RU', { from, key: `wrong-${i}` })).status).toBe(401);
    expectThrottled(await call(api.baseUrl, '/v1/areas/RU', { from, key: 'wrong-again' }), 'authFailures');
    // Decided: a valid key is not locked out by others' guesses behind the same address.
    expect((await call(api.baseUrl, '/v1/areas/RU', { from, key: ADMIN_KEY })).status).toBe(200);
    expect((await call(api.baseUrl, '/v1/areas/RU', { from: '198.51.100.2', key: 'wrong' })).status).toBe(401);
    // No key at all is not a guess: still 401, counted nowhere.
    expect((await call(api.baseUrl, '/v1/areas/RU', { from })).status).toBe(401);
  });

  it('should count wrong keys on the queue board (Basic authentication) like those on /v1', async () => {
    const from = '198.51.100.3';
    const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` });
    for (let i = 0; i < AUTH_FAILURES; i++) expect((await call(api.baseUrl, '/admin/queues', { from, headers: basic(`guess-${i}`) })).status).toBe(401);
    expectThrottled(await call(api.baseUrl, '/admin/queues', { from, headers: basic('guess-again') }), 'authFailures');
    expectThrottled(await call(api.baseUrl, '/v1/areas/RU', { from, key: 'wrong' }), 'authFailures');
    expect((await call(api.baseUrl, '/admin/queues', { from, headers: basic(ADMIN_KEY) })).status).toBe(200);
  });

  it('should answer 429 past the requests of one key, and not to another key', async () => {
    const key = await api.keyFor('noc');
    const other = await api.keyFor('noc');
    const statuses: number[] = [];
    for (let i = 0; i < API_REQUESTS + 1; i++) statuses.push((await call(api.baseUrl, '/v1/areas/RU', { key })).status);
    expect(statuses.slice(0, API_REQUESTS).every((s) => s === 200)).toBe(true);
    expectThrottled(await call(api.baseUrl, '/v1/areas/RU', { key }), 'apiRequests');
    expect((await call(api.baseUrl, '/v1/areas/RU', { key: other })).status).toBe(200);
  });

  it('should serve a known status page 1,000 times to one address, cacheable, and never throttle it', async () => {
    const from = '203.0.113.9'; // a carrier-grade NAT: thousands of subscribers, one address
    const statuses = new Map<number, number>();
    let etag: string | null = null;
    for (let round = 0; round < 100; round++) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, i) => call(api.baseUrl, i % 2 ? `/status/${code}` : `/v1/public/incidents/${code}`, { from })),
      );
      for (const res of batch) statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      etag ??= batch[0].headers.get('etag');
      expect(batch[0].headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    }
    expect([...statuses]).toEqual([[200, 1000]]);
    expect(etag).toBeTruthy();
    // A browser's revalidation (fetch itself would add no-cache to a conditional request).
    const revalidate = { 'if-none-match': etag!, 'cache-control': 'max-age=0' };
    expect((await call(api.baseUrl, `/v1/public/incidents/${code}`, { from, headers: revalidate })).status).toBe(304);
  });

  it('should answer 429 to an address past its unknown codes and forged links, yet still serve it known codes', async () => {
    const from = '192.0.2.77';
    const misses = [
      ...Array.from({ length: UNKNOWN_CODES / 2 }, (_, i) => `/status/NOPE${i}`),
      ...Array.from({ length: UNKNOWN_CODES / 4 }, (_, i) => `/v1/public/incidents/NOPE${i}`),
      ...Array.from({ length: UNKNOWN_CODES / 4 }, (_, i) => `/v1/public/unsubscribe?token=forged${i}`),
    ];
    for (const path of misses) expect([400, 404]).toContain((await call(api.baseUrl, path, { from })).status);
    expectThrottled(await call(api.baseUrl, '/status/NOPE-MORE', { from }), 'unknownCodes');
    expectThrottled(await call(api.baseUrl, '/v1/public/unsubscribe?token=forged-more', { from, method: 'POST' }), 'unknownCodes');
    expect((await call(api.baseUrl, `/status/${code}`, { from })).status).toBe(200);
    expect((await call(api.baseUrl, '/status/NOPE-MORE', { from: '192.0.2.78' })).status).toBe(404);
  });

  it('should keep limiting, in memory, and answer at once while Redis is down', async () => {
    await redis.kill();
    try {
      const from = '198.51.100.200';
      const started = Date.now();
      for (let i = 0; i < AUTH_FAILURES; i++) expect((await call(api.baseUrl, '/v1/areas/RU', { from, key: `wrong-${i}` })).status).toBe(401);
      expectThrottled(await call(api.baseUrl, '/v1/areas/RU', { from, key: 'wrong-again' }), 'authFailures');
      expect((await call(api.baseUrl, `/status/${code}`, { from })).status).toBe(200);
      process.stdout.write(`with Redis down: ${AUTH_FAILURES + 2} requests answered in ${Date.now() - started} ms\n`);
    } finally {
      await redis.restart();
    }
  });

  it('should answer while Redis accepts connections and never replies', async () => {
    redis.signal('SIGSTOP');
    try {
      expect((await call(api.baseUrl, '/v1/areas/RU', { from: '198.51.100.201', key: 'wrong' })).status).toBe(401);
      expect((await call(api.baseUrl, `/status/${code}`, { from: '198.51.100.201' })).status).toBe(200);
      expect((await call(api.baseUrl, '/v1/areas/RU', { key: ADMIN_KEY })).status).toBe(200);
    } finally {
      redis.signal('SIGCONT');
    }
  });
});

describe('rate limits shared by api processes', () => {
  let redis: RedisServer;
  let database: TestDatabase;
  const apis: Array<{ proc: ServiceProcess; base: string }> = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    database = await freshDatabase();
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const proc = new ServiceProcess('api', {
        NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: String(port), DATABASE_URL: database.url, REDIS_URL: redis.url, QUEUE_PREFIX: prefix,
        ADMIN_API_KEY: ADMIN_KEY, TRUST_PROXY: 'false', ...LIMITS,
      });
      apis.push({ proc, base: `http://127.0.0.1:${port}` });
    }
    await Promise.all(apis.map((a) => a.proc.waitFor((l) => l.msg === 'api listening')));
  });
  afterAll(async () => {
    await Promise.all(apis.map((a) => a.proc.stop()));
    await database?.drop();
    await redis?.kill();
  });

  it('should count wrong keys across processes, by the socket address whatever X-Forwarded-For says', async () => {
    for (let i = 0; i < AUTH_FAILURES; i++) {
      const res = await call(apis[i % 2].base, '/v1/areas', { key: `wrong-${i}`, from: `10.0.0.${i}` });
      expect(res.status).toBe(401);
    }
    expectThrottled(await call(apis[0].base, '/v1/areas', { key: 'wrong', from: '10.9.9.9' }), 'authFailures');
    expectThrottled(await call(apis[1].base, '/v1/areas', { key: 'wrong', from: '10.9.9.8' }), 'authFailures');
    expect(apis[0].proc.lines.concat(apis[1].proc.lines).some((l) => l.msg === 'rate limit reached' && l.limit === 'authFailures')).toBe(true);
  });
});
