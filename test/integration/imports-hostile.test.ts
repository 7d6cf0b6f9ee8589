import { request } from 'http';
import { ADMIN_KEY, TestApi } from '../support/api';
import { waitFor } from '../support/wait';

/** Starts a chunked request and returns it, so a test can write more, end it, or stop writing. */
function upload(api: TestApi, path: string, contentType: string, headers: Record<string, string> = {}) {
  const url = new URL(api.baseUrl + path);
  const req = request({
    host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': contentType, ...headers },
  });
  let answered = false;
  const reply = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
  });
  return { req, reply, answered: () => answered };
}

const HEADER = 'externalId,name,email,areaCode\n';
const line = (i: number) => `H-${i},Name ${i},h${i}@example.ru,NSK\n`;
const pause = () => new Promise((r) => setTimeout(r, 100));

/**
 * Imports against hostile or slow uploads: limits on fields per line and bytes per field, and an
 * upload longer than the request timeout (REQUEST_TIMEOUT_SECONDS, 1 s here) that is not cut off,
 * while one longer than IMPORT_TIMEOUT_SECONDS (4 s here) is refused with a 408 saying so.
 */
describe('imports: hostile and slow uploads', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start({ REQUEST_TIMEOUT_SECONDS: '1', IMPORT_TIMEOUT_SECONDS: '4' });
    await api.post('/v1/areas', { code: 'NSK', name: 'Novosibirsk' });
  });
  afterAll(async () => {
    delete process.env.REQUEST_TIMEOUT_SECONDS;
    delete process.env.IMPORT_TIMEOUT_SECONDS;
    await api.stop();
  });

  it('should answer 422 naming the line when a line is a million commas, and import nothing', async () => {
    const body = HEADER + line(1) + ','.repeat(1_000_000) + '\n' + line(2);
    const res = await api.request('POST', '/v1/imports/subscribers', { raw: body, contentType: 'text/csv' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'IMPORT_INVALID', details: [{ line: 3, field: 'row', message: 'the record starting on line 3 has more than 100 fields' }] });
    expect(await api.count('subscribers')).toBe(0);
  });

  it('should answer 422 naming the line and column when a field is over 64 KiB', async () => {
    const body = HEADER + line(1) + `H-2,${'x'.repeat(70_000)},h2@example.ru,NSK\n`;
    const res = await api.request('POST', '/v1/imports/subscribers', { raw: body, contentType: 'text/csv' });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ line: 3, field: 'name', message: 'field 2 of the record starting on line 3 is longer than 65536 bytes' }]);
    expect(await api.count('subscribers')).toBe(0);
  });

  it('should not cut off an import whose upload lasts longer than the request timeout', async () => {
    const { req, reply, answered } = upload(api, '/v1/imports/subscribers', 'text/csv');
    req.write(HEADER);
    const started = Date.now();
    let n = 0;
    // Written slowly, for longer than REQUEST_TIMEOUT_SECONDS (1 s) and well within IMPORT_TIMEOUT_SECONDS.
    while (Date.now() - started < 2000 && !answered()) {
      req.write(line(++n));
      await pause();
    }
    req.end();
    expect(await reply).toEqual({ status: 200, body: { inserted: n, updated: 0, unchanged: 0 } });
  });

  it('should answer 408 IMPORT_TIMEOUT and import nothing when the upload outlasts IMPORT_TIMEOUT_SECONDS', async () => {
    const before = await api.count('subscribers');
    const { req, reply, answered } = upload(api, '/v1/imports/subscribers', 'text/csv');
    req.write(HEADER);
    let n = 1000;
    const writing = (async () => {
      while (!answered()) {
        req.write(line(++n));
        await pause();
      }
    })();
    const res = await reply;
    await writing;
    req.destroy();
    expect(res).toEqual({
      status: 408,
      body: { error: { code: 'IMPORT_TIMEOUT', message: 'the upload took longer than 4 s (IMPORT_TIMEOUT_SECONDS); nothing was imported', details: [] } },
    });
    expect(await api.count('subscribers')).toBe(before);
  });

  it('should answer 408 IMPORT_TIMEOUT when the client stalls mid-upload', async () => {
    const { req, reply } = upload(api, '/v1/imports/subscribers', 'text/csv');
    req.write(HEADER + line(5000)); // and nothing more
    const res = await reply;
    req.destroy();
    expect(res).toMatchObject({ status: 408, body: { error: { code: 'IMPORT_TIMEOUT' } } });
    expect(await api.db.query(`SELECT 1 FROM subscribers WHERE external_id = 'H-5000'`)).toEqual([]);
  });

  it('should answer 408 to a JSON request whose body does not arrive within the request timeout', async () => {
    const body = JSON.stringify({ code: 'SLOW', name: 'Slow district' });
    const { req, reply } = upload(api, '/v1/areas', 'application/json', { 'content-length': String(body.length) });
    req.write(body.slice(0, 10)); // and the rest never comes
    const res = await reply;
    req.destroy();
    expect(res).toMatchObject({ status: 408, body: { error: { code: 'REQUEST_TIMEOUT' } } });
    await waitFor(async () => (await api.db.query(`SELECT 1 FROM areas WHERE code = 'SLOW'`)).length === 0, 'nothing to be written');
  });
});
