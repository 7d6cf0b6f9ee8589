import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { API_KEY_CACHE_MS, ApiKeysService } from '../../src/auth/api-keys.service';
import { ADMIN_KEY, TestApi } from '../support/api';
import { newArea } from '../support/factories';

type Role = 'admin' | 'noc' | 'manager';

// Which roles may call which route: test/integration/access.test.ts walks test/support/route-access.ts.
describe('auth', () => {
  let api: TestApi;
  let keys: Record<Role, string>;
  let managerId: number;

  beforeAll(async () => {
    api = await TestApi.start();
    const area = newArea();
    await api.post('/v1/areas', area);
    const manager = await api.post('/v1/outage-managers', {
      name: 'Ирина',
      phone: '+73832000101',
      email: 'irina@operator.example',
      areaCodes: [area.code],
    });
    managerId = manager.body.id;
    const managerKey = await api.post('/v1/api-keys', { name: 'irina', role: 'manager', managerId });
    keys = { admin: ADMIN_KEY, noc: await api.keyFor('noc'), manager: managerKey.body.key };
  });
  afterAll(() => api.stop());

  describe('bearer keys', () => {
    it.each([
      ['no Authorization header', {}],
      ['a wrong key', { authorization: 'Bearer onk_not-a-key' }],
      ['Basic credentials', { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }],
      ['"Bearer" without a key', { authorization: 'Bearer' }],
      ['"Bearer" with two words', { authorization: `Bearer ${ADMIN_KEY} extra` }],
      ['the key without the scheme', { authorization: ADMIN_KEY }],
      ['another scheme', { authorization: `Token ${ADMIN_KEY}` }],
    ])('should answer 401 UNAUTHENTICATED when there is %s', async (_case, headers: Record<string, string>) => {
      const res = await fetch(`${api.baseUrl}/v1/areas/X`, { headers });
      const body = (await res.json()) as { error: unknown };
      expect(res.status).toBe(401);
      expect(body.error).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.any(String) });
    });

    it('should accept the scheme in any case when the key is right', async () => {
      const res = await fetch(`${api.baseUrl}/v1/areas/NO-SUCH`, { headers: { authorization: `bearer ${ADMIN_KEY}` } });
      expect(res.status).toBe(404);
    });

    it('should accept the ADMIN_API_KEY bootstrap key and store only its hash', async () => {
      expect((await api.post('/v1/areas', newArea())).status).toBe(201);
      const rows: Array<{ row: string; key_hash: string; role: string }> = await api.db.query(
        `SELECT t::text AS row, key_hash, role FROM api_keys t WHERE key_hash = $1`,
        [createHash('sha256').update(ADMIN_KEY).digest('hex')],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].role).toBe('admin');
      expect(rows[0].row).not.toContain(ADMIN_KEY);
    });

    it('should answer 403 FORBIDDEN naming the roles when the key lacks the role', async () => {
      const res = await api.post('/v1/areas', newArea(), keys.noc);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('admin') });
    });
  });

  describe('POST /v1/api-keys', () => {
    it('should return the key once and store only a hash of it', async () => {
      const res = await api.post('/v1/api-keys', { name: 'noc-shift-1', role: 'noc' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(Number), key: expect.stringMatching(/^onk_[A-Za-z0-9_-]{43}$/) });
      const key: string = res.body.key;

      const everything: Array<{ row: string }> = await api.db.query(`SELECT t::text AS row FROM api_keys t`);
      expect(everything.filter((r) => r.row.includes(key) || r.row.includes(key.slice(4)))).toEqual([]);
      const [stored] = await api.db.query(`SELECT name, role, key_hash FROM api_keys WHERE id = $1`, [res.body.id]);
      expect(stored).toEqual({ name: 'noc-shift-1', role: 'noc', key_hash: createHash('sha256').update(key).digest('hex') });

      expect((await api.get('/v1/areas/NO-SUCH', key)).status).toBe(404); // authenticated as noc
      expect((await api.post('/v1/areas', newArea(), key)).status).toBe(403);
    });

    it('should give a different key each time', async () => {
      const a = await api.post('/v1/api-keys', { name: 'a', role: 'noc' });
      const b = await api.post('/v1/api-keys', { name: 'a', role: 'noc' });
      expect(a.body.key).not.toBe(b.body.key);
    });

    it.each([
      ['the name is missing', { role: 'noc' }, 'name', 'VALIDATION_FAILED'],
      ['the role is missing', { name: 'x' }, 'role', 'VALIDATION_FAILED'],
      ['the role is unknown', { name: 'x', role: 'root' }, 'role', 'VALIDATION_FAILED'],
      ['managerId is not an integer', { name: 'x', role: 'manager', managerId: '7' }, 'managerId', 'VALIDATION_FAILED'],
      ['managerId is negative', { name: 'x', role: 'manager', managerId: -1 }, 'managerId', 'VALIDATION_FAILED'],
      ['managerId is given for a noc key', { name: 'x', role: 'noc', managerId: 1 }, 'managerId', 'VALIDATION_FAILED'],
      ['managerId names no manager', { name: 'x', role: 'manager', managerId: 999999 }, 'managerId', 'UNKNOWN_REFERENCE'],
      ['a field is unknown', { name: 'x', role: 'noc', expires: 'never' }, 'expires', 'VALIDATION_FAILED'],
    ])('should refuse with 422 naming the field and create no key when %s', async (_case, body, field, code) => {
      const before = await api.count('api_keys');
      const res = await api.post('/v1/api-keys', body);
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 422, code });
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await api.count('api_keys')).toBe(before);
    });

    it('should refuse non-admin keys with 403 and create no key', async () => {
      const before = await api.count('api_keys');
      for (const role of ['noc', 'manager'] as const) {
        expect((await api.post('/v1/api-keys', { name: 'x', role: 'admin' }, keys[role])).status).toBe(403);
      }
      expect(await api.count('api_keys')).toBe(before);
    });
  });

  describe('revocation', () => {
    it(`should answer 401 within ${API_KEY_CACHE_MS} ms when the key is revoked`, async () => {
      const created = await api.post('/v1/api-keys', { name: 'to-revoke', role: 'noc' });
      const key: string = created.body.key;
      expect((await api.get('/v1/areas/NO-SUCH', key)).status).toBe(404); // now cached as valid

      await api.db.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [created.body.id]);
      const deadline = Date.now() + API_KEY_CACHE_MS + 2000;
      let status = 0;
      while (Date.now() < deadline) {
        status = (await api.get('/v1/areas/NO-SUCH', key)).status;
        if (status === 401) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(401);
    });
  });

  describe('DELETE /v1/api-keys/:id', () => {
    const revoke = (id: number | string, key?: string) => api.request('DELETE', `/v1/api-keys/${id}`, { key });
    const adminKeyId = async () =>
      (await api.db.query(`SELECT id FROM api_keys WHERE key_hash = $1`, [createHash('sha256').update(ADMIN_KEY).digest('hex')]))[0].id;

    it('should revoke a key at once, keep its row, and answer the same when repeated', async () => {
      const created = await api.post('/v1/api-keys', { name: 'leaving-shift', role: 'noc' });
      const key: string = created.body.key;
      expect((await api.get('/v1/areas/NO-SUCH', key)).status).toBe(404); // valid, and cached as valid

      const res = await revoke(created.body.id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: created.body.id, name: 'leaving-shift', role: 'noc', revokedAt: expect.any(String) });
      const refused = await api.get('/v1/areas/NO-SUCH', key); // no waiting for the cache in this process
      expect({ status: refused.status, code: refused.body.error?.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
      const [row] = await api.db.query(`SELECT name, revoked_at FROM api_keys WHERE id = $1`, [created.body.id]);
      expect(row).toEqual({ name: 'leaving-shift', revoked_at: new Date(res.body.revokedAt) });

      const again = await revoke(created.body.id);
      expect(again.status).toBe(200);
      expect(again.body.revokedAt).toBe(res.body.revokedAt);
    });

    it('should refuse to revoke the last active admin key with 409 LAST_ADMIN_KEY and keep it working', async () => {
      const id = await adminKeyId();
      const res = await revoke(id);
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 409, code: 'LAST_ADMIN_KEY' });
      expect((await api.get('/v1/areas/NO-SUCH')).status).toBe(404);
      const [row] = await api.db.query(`SELECT revoked_at FROM api_keys WHERE id = $1`, [id]);
      expect(row.revoked_at).toBeNull();
    });

    it('should revoke an admin key while another admin key stays active', async () => {
      const second = await api.post('/v1/api-keys', { name: 'second-admin', role: 'admin' });
      expect((await revoke(second.body.id)).status).toBe(200);
      expect((await api.get('/v1/areas/NO-SUCH', second.body.key)).status).toBe(401);
      expect((await revoke(await adminKeyId())).status).toBe(409); // the bootstrap key is the last one again
    });

    it.each([
      ['an id that is no key', '999999', 404, 'API_KEY_NOT_FOUND'],
      ['an id that is not a number', 'abc', 422, 'VALIDATION_FAILED'],
      ['id 0', '0', 422, 'VALIDATION_FAILED'],
    ])('should answer %s with its error and revoke nothing', async (_case, id, status, code) => {
      const before = await api.db.query(`SELECT count(*)::int AS n FROM api_keys WHERE revoked_at IS NOT NULL`);
      const res = await revoke(id);
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
      if (status === 422) expect(res.body.error.details).toEqual([{ field: 'id', message: expect.any(String) }]);
      expect(await api.db.query(`SELECT count(*)::int AS n FROM api_keys WHERE revoked_at IS NOT NULL`)).toEqual(before);
    });

    it('should refuse noc and manager keys with 403 and revoke nothing', async () => {
      const created = await api.post('/v1/api-keys', { name: 'target', role: 'noc' });
      for (const role of ['noc', 'manager'] as const) expect((await revoke(created.body.id, keys[role])).status).toBe(403);
      expect((await api.get('/v1/areas/NO-SUCH', created.body.key)).status).toBe(404);
    });
  });

  describe('PATCH /v1/outage-managers/:id for noc', () => {
    it('should let noc change onDuty', async () => {
      const res = await api.patch(`/v1/outage-managers/${managerId}`, { onDuty: false }, keys.noc);
      expect(res.status).toBe(200);
      expect(res.body.onDuty).toBe(false);
    });

    it('should refuse noc with 403 and change nothing when it touches another field', async () => {
      const before = (await api.get(`/v1/outage-managers/${managerId}`)).body;
      const res = await api.patch(`/v1/outage-managers/${managerId}`, { onDuty: true, phone: '+79990000000' }, keys.noc);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect((await api.get(`/v1/outage-managers/${managerId}`)).body).toEqual(before);
    });
  });
});

describe('auth: two admins revoking each other at once', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start();
  });
  afterAll(() => api.stop());

  it('should let exactly one of the two revocations through, so one admin key stays active', async () => {
    const second = await api.post('/v1/api-keys', { name: 'second-admin', role: 'admin' });
    const [bootstrap] = await api.db.query(`SELECT id FROM api_keys WHERE key_hash = $1`, [createHash('sha256').update(ADMIN_KEY).digest('hex')]);
    // Straight to the service, so both are past authentication before either revokes.
    const sut = api.app.get(ApiKeysService);
    const caller = (keyId: number) => ({ keyId, name: 'admin', role: 'admin' as const, managerId: null });
    const results = await Promise.allSettled([sut.revoke(second.body.id, caller(bootstrap.id)), sut.revoke(bootstrap.id, caller(second.body.id))]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'LAST_ADMIN_KEY' });
    const [active] = await api.db.query(`SELECT count(*)::int AS n FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL`);
    expect(active.n).toBe(1);
  });
});

describe('auth: create-admin-key on the command line', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start();
  });
  afterAll(() => api.stop());

  it('should mint a working admin key from the command line, print it once and store only its hash', async () => {
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts', 'create-admin-key', 'ops', 'laptop'], {
      env: { ...process.env, DATABASE_URL: api.database.url },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const key = run.stdout.trim();
    expect(key).toMatch(/^onk_[\w-]{43}$/);
    expect(run.stderr).toContain('shown once');
    expect(run.stderr).not.toContain(key);
    expect((await api.post('/v1/areas', newArea(), key)).status).toBe(201);
    const rows: Array<{ row: string; name: string; role: string }> = await api.db.query(
      `SELECT t::text AS row, name, role FROM api_keys t WHERE key_hash = $1`,
      [createHash('sha256').update(key).digest('hex')],
    );
    expect(rows).toMatchObject([{ name: 'ops laptop', role: 'admin' }]);
    expect(rows[0].row).not.toContain(key);
  });

  it('should refuse the command-line key without DATABASE_URL, naming it, and write nothing', () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts', 'create-admin-key'], { env, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('DATABASE_URL');
  });
});
