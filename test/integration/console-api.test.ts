import { TestApi } from '../support/api';
import { expectCreated } from '../support/topology';

/** What the console reads besides the incident routes: who am I, type-ahead over reference data, the key list. */
describe('console API: /v1/me, area and element search, key list', () => {
  let api: TestApi;
  let nocKey: string;
  let managerKey: string;
  let managerId: number;

  beforeAll(async () => {
    api = await TestApi.start();
    await expectCreated(api, '/v1/areas', { code: 'NSK', name: 'Новосибирск', timezone: 'Asia/Novosibirsk' });
    for (const [code, name] of [['NSK-C', 'Центральный'], ['NSK-L', 'Ленинский'], ['NSK-K', 'Кировский'], ['OMS', 'Омск'], ['X_1', 'Under_score']]) {
      await expectCreated(api, '/v1/areas', { code, name, parentCode: code.startsWith('NSK') ? 'NSK' : undefined });
    }
    await expectCreated(api, '/v1/network-elements', { code: 'OLT-NSK-017', name: 'OLT Lenina 17', kind: 'olt', areaCode: 'NSK-C' });
    await expectCreated(api, '/v1/network-elements', { code: 'OLT-NSK-018', name: 'OLT Kirova 2', kind: 'olt', areaCode: 'NSK-K' });
    await expectCreated(api, '/v1/network-elements', { code: 'AGG-NSK-2', name: 'Aggregation Lenina', kind: 'aggregation' });
    for (const [externalId, name, phone] of [['S-1001', 'Анна Петрова', '+79130000001'], ['S-1002', 'Boris Ivanov', '+79130000002'], ['X-1', 'Анна Смирнова', '+74950000003']]) {
      await expectCreated(api, '/v1/subscribers', { externalId, name, phone, areaCode: 'NSK-C' });
    }
    managerId = (await expectCreated(api, '/v1/outage-managers', {
      name: 'Ирина Смирнова', phone: '+73832000101', email: 'irina@operator.example', areaCodes: ['NSK'],
    })).id;
    nocKey = (await expectCreated(api, '/v1/api-keys', { name: 'noc-1', role: 'noc' })).key;
    managerKey = (await expectCreated(api, '/v1/api-keys', { name: 'irina', role: 'manager', managerId })).key;
  });
  afterAll(() => api.stop());

  it('should tell each key its role and, for a manager key, its manager when asked GET /v1/me', async () => {
    expect((await api.get('/v1/me')).body).toMatchObject({ role: 'admin', manager: null });
    expect((await api.get('/v1/me', nocKey)).body).toMatchObject({ name: 'noc-1', role: 'noc', manager: null });
    expect((await api.get('/v1/me', managerKey)).body).toMatchObject({
      name: 'irina', role: 'manager', manager: { id: managerId, name: 'Ирина Смирнова' },
    });
    expect((await api.get('/v1/me', null)).status).toBe(401);
    expect((await api.get('/v1/me', 'not-a-key')).status).toBe(401);
  });

  it('should find areas by code prefix or name fragment, in code order, when searched', async () => {
    const byCode = await api.get('/v1/areas?q=nsk-', nocKey);
    expect(byCode.status).toBe(200);
    expect(byCode.body.items.map((a: { code: string }) => a.code)).toEqual(['NSK-C', 'NSK-K', 'NSK-L']);
    expect(byCode.body.items[0]).toEqual({ code: 'NSK-C', name: 'Центральный', parentCode: 'NSK', effectiveTimezone: 'Asia/Novosibirsk' });

    const byName = await api.get(`/v1/areas?q=${encodeURIComponent('ленин')}`, nocKey);
    expect(byName.body.items.map((a: { code: string }) => a.code)).toEqual(['NSK-L']);

    // LIKE's own wildcards match themselves only.
    expect((await api.get('/v1/areas?q=_', nocKey)).body.items.map((a: { code: string }) => a.code)).toEqual(['X_1']);
    expect((await api.get('/v1/areas?q=%25', nocKey)).body.items).toEqual([]);
  });

  it('should walk every area exactly once when paged with the cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { items: Array<{ code: string }>; nextCursor: string | null } } =
        await api.get(`/v1/areas?limit=2${cursor ? `&cursor=${cursor}` : ''}`, nocKey);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((a) => a.code));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['NSK', 'NSK-C', 'NSK-K', 'NSK-L', 'OMS', 'X_1']);
    expect(pages).toBe(3);
  });

  it('should find network elements by code prefix or name fragment with their area when searched', async () => {
    const res = await api.get('/v1/network-elements?q=olt-nsk', nocKey);
    expect(res.body).toEqual({
      items: [
        { code: 'OLT-NSK-017', name: 'OLT Lenina 17', kind: 'olt', areaCode: 'NSK-C' },
        { code: 'OLT-NSK-018', name: 'OLT Kirova 2', kind: 'olt', areaCode: 'NSK-K' },
      ],
      nextCursor: null,
    });
    const byName = await api.get('/v1/network-elements?q=lenina&limit=1', nocKey);
    expect(byName.body).toEqual({ items: [expect.objectContaining({ code: 'AGG-NSK-2' })], nextCursor: 'AGG-NSK-2' });
    const next = await api.get('/v1/network-elements?q=lenina&limit=1&cursor=AGG-NSK-2', nocKey);
    expect(next.body.items.map((e: { code: string }) => e.code)).toEqual(['OLT-NSK-017']);
  });

  it('should find subscribers by external id prefix, phone prefix or name fragment, paged by id', async () => {
    const names = (res: { body: { items: Array<{ name: string }> } }) => res.body.items.map((s) => s.name);
    expect(names(await api.get('/v1/subscribers?q=S-10', nocKey))).toEqual(['Анна Петрова', 'Boris Ivanov']);
    expect(names(await api.get(`/v1/subscribers?q=${encodeURIComponent('+7 913 000')}`, nocKey))).toEqual(['Анна Петрова', 'Boris Ivanov']);
    expect(names(await api.get(`/v1/subscribers?q=${encodeURIComponent('анна')}`, nocKey))).toEqual(['Анна Петрова', 'Анна Смирнова']);
    const first = await api.get('/v1/subscribers?q=S-10&limit=1', nocKey);
    expect(first.body).toEqual({
      items: [{ id: expect.any(Number), externalId: 'S-1001', name: 'Анна Петрова', phone: '+79130000001', tier: 'residential', areaCode: 'NSK-C' }],
      nextCursor: String(first.body.items[0].id),
    });
    const next = await api.get(`/v1/subscribers?q=S-10&limit=1&cursor=${first.body.nextCursor}`, nocKey);
    expect(names(next)).toEqual(['Boris Ivanov']);
    expect((await api.get('/v1/subscribers?cursor=abc', nocKey)).status).toBe(422);
    expect((await api.get('/v1/subscribers?q=S', managerKey)).status).toBe(403);
  });

  it('should answer 422 naming the field when a search query is wrong, and 403 to a manager key', async () => {
    for (const [query, field] of [['limit=0', 'limit'], ['limit=101', 'limit'], ['cursor=a%20b', 'cursor'], ['sort=name', 'sort'], [`q=${'x'.repeat(101)}`, 'q']]) {
      const res = await api.get(`/v1/areas?${query}`, nocKey);
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([expect.objectContaining({ field })]);
    }
    expect((await api.get('/v1/network-elements?limit=x', nocKey)).status).toBe(422);
    expect((await api.get('/v1/areas', managerKey)).status).toBe(403);
    expect((await api.get('/v1/network-elements', managerKey)).status).toBe(403);
  });

  it('should list keys newest first without their secret, with revoked ones marked, to admins only', async () => {
    const created = await expectCreated(api, '/v1/api-keys', { name: 'temp', role: 'noc' });
    expect((await api.request('DELETE', `/v1/api-keys/${created.id}`)).status).toBe(200);
    const res = await api.get('/v1/api-keys');
    expect(res.status).toBe(200);
    expect(res.body[0]).toMatchObject({ id: created.id, name: 'temp', role: 'noc', revokedAt: expect.any(String) });
    expect(res.body.find((k: { name: string }) => k.name === 'irina')).toMatchObject({ role: 'manager', managerId, revokedAt: null });
    expect(JSON.stringify(res.body)).not.toContain(created.key);
    expect(JSON.stringify(res.body)).not.toMatch(/hash/i);
    expect((await api.get('/v1/api-keys', nocKey)).status).toBe(403);
  });
});
