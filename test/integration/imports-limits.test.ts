import { request } from 'http';
import { TestApi } from '../support/api';

/** Starts a chunked upload and returns the request, so a test can write more, end it or cut it off. */
function upload(api: TestApi, path: string, contentType: string) {
  const url = new URL(api.baseUrl + path);
  const req = request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: { authorization: 'Bearer test-admin-key-0123456789abcdef', 'content-type': contentType },
  });
  const reply = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  return { req, reply };
}

async function until(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('imports: limits, formats and access', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start({ MAX_IMPORT_MB: '1' });
    await api.post('/v1/areas', { code: 'NSK', name: 'Novosibirsk' });
  });
  afterAll(async () => {
    delete process.env.MAX_IMPORT_MB;
    await api.stop();
  });

  const subscriberLines = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => `L-${from + i},Name ${from + i},l${from + i}@example.ru,NSK\n`).join('');
  const importConnections = async () =>
    (
      await api.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'outage-notifier-import'`, [
        api.database.name,
      ])
    )[0].n;

  it('should answer 413 to a body over the limit, declared or streamed', async () => {
    const big = 'externalId,name,email,areaCode\n' + subscriberLines(0, 40_000);
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const declared = await api.request('POST', '/v1/imports/subscribers', { raw: big, contentType: 'text/csv' });
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe('IMPORT_TOO_LARGE');

    const { req, reply } = upload(api, '/v1/imports/subscribers', 'text/csv');
    req.write(big); // a write before end() makes the body chunked: no Content-Length to refuse up front
    req.end();
    expect(await reply).toMatchObject({ status: 413, body: { error: { code: 'IMPORT_TOO_LARGE' } } });
    expect(await api.count('subscribers')).toBe(0);
  });

  it('should leave nothing behind when the client disconnects mid-upload', async () => {
    const { req, reply } = upload(api, '/v1/imports/subscribers', 'text/csv');
    reply.catch(() => undefined);
    req.write('externalId,name,email,areaCode\n' + subscriberLines(0, 2_000));
    await until(async () => (await importConnections()) === 1, 'the import to start');
    req.destroy();
    await until(async () => (await importConnections()) === 0, 'the import connection to close');
    expect(await api.count('subscribers')).toBe(0);

    const after = await api.request('POST', '/v1/imports/subscribers', { raw: 'externalId,name,email,areaCode\n' + subscriberLines(0, 3), contentType: 'text/csv' });
    expect(after.body).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
  });

  it('should answer 415 to any other content type', async () => {
    for (const contentType of ['application/json', 'text/plain', 'text/csv; charset=latin1']) {
      const res = await api.request('POST', '/v1/imports/areas', { raw: '{"code":"X","name":"x"}', contentType });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('UNSUPPORTED_IMPORT_TYPE');
    }
  });

  it('should require an admin key', async () => {
    const noc = await api.keyFor('noc');
    for (const kind of ['areas', 'network-elements', 'subscribers']) {
      const body = { raw: 'code,name\nK,k\n', contentType: 'text/csv' };
      expect((await api.request('POST', `/v1/imports/${kind}`, { ...body, key: null })).status).toBe(401);
      expect((await api.request('POST', `/v1/imports/${kind}`, { ...body, key: 'wrong-key-0123456789' })).status).toBe(401);
      expect((await api.request('POST', `/v1/imports/${kind}`, { ...body, key: noc })).status).toBe(403);
    }
    expect(await api.count('areas')).toBe(1);
  });
});
