import { ADMIN_KEY, TestApi } from '../support/api';
import { newArea, newSubscriber } from '../support/factories';
import { expectCreated } from '../support/topology';

describe('audit log', () => {
  let api: TestApi;
  let incidentId: number;
  let subscriberId: number;
  let areaCode: string;
  let ownKey: { id: number; key: string };
  let otherKey: { id: number; key: string };
  let nocKey: { id: number; key: string };
  const PHONE = '+79130000555';
  const EMAIL = 'olga.private@example.ru';
  const NAME = 'Ольга Приватная';

  const rowsOf = async (keyId: number) =>
    (await api.db.query(`SELECT * FROM audit_log WHERE api_key_id = $1 ORDER BY id`, [keyId])) as Array<Record<string, any>>;

  beforeAll(async () => {
    api = await TestApi.start();
    const [mine, theirs] = [newArea(), newArea()];
    areaCode = mine.code;
    await expectCreated(api, '/v1/areas', mine);
    await expectCreated(api, '/v1/areas', theirs);
    subscriberId = (await expectCreated(api, '/v1/subscribers', newSubscriber({ areaCode: mine.code, name: NAME, phone: PHONE, email: EMAIL, tier: 'vip' }))).id;
    const own = await expectCreated(api, '/v1/outage-managers', { name: 'Ирина', phone: '+73832000101', email: 'i@operator.example', areaCodes: [mine.code] });
    const other = await expectCreated(api, '/v1/outage-managers', { name: 'Олег', phone: '+73832000102', email: 'o@operator.example', areaCodes: [theirs.code] });
    ownKey = await expectCreated(api, '/v1/api-keys', { name: 'irina', role: 'manager', managerId: own.id });
    otherKey = await expectCreated(api, '/v1/api-keys', { name: 'oleg', role: 'manager', managerId: other.id });
    nocKey = await expectCreated(api, '/v1/api-keys', { name: 'noc-1', role: 'noc' });
    incidentId = (await expectCreated(api, '/v1/incidents', { title: 'Fibre cut', kind: 'outage', scope: { areaCodes: [mine.code] } })).id;
    await api.db.query(
      `INSERT INTO messages (thread_id, incident_id, subscriber_id, channel, kind, incident_version, dedupe_key, recipient, body, state)
       VALUES (1, $1, $2, 'sms', 'notice', 1, 'audit-test', $3, 'Fibre cut, sorry. Your manager: Ирина', 'accepted')`,
      [incidentId, subscriberId, PHONE],
    );
  });
  afterAll(() => api.stop());

  it('should record a manager reading its incident\'s messages: its key, role, the route, the incident and the subscribers', async () => {
    const res = await api.get(`/v1/incidents/${incidentId}/messages`, ownKey.key);
    expect(res.body.items).toHaveLength(1);
    expect(await rowsOf(ownKey.id)).toEqual([
      expect.objectContaining({
        api_key_id: ownKey.id, role: 'manager', method: 'GET', route: '/v1/incidents/:id/messages', status: 200,
        incident_ids: [incidentId], subscriber_ids: [subscriberId], at: expect.any(Date),
      }),
    ]);
  });

  it('should record another manager\'s refused attempt with its status and the incident', async () => {
    expect((await api.get(`/v1/incidents/${incidentId}/messages`, otherKey.key)).status).toBe(403);
    expect(await rowsOf(otherKey.id)).toEqual([
      expect.objectContaining({ route: '/v1/incidents/:id/messages', status: 403, incident_ids: [incidentId], subscriber_ids: [] }),
    ]);
  });

  it('should record the call list a manager read and the call it logged', async () => {
    await api.db.query(`DELETE FROM audit_log`);
    expect((await api.get(`/v1/incidents/${incidentId}/call-list`, ownKey.key)).body).toHaveLength(1);
    const logged = await api.post(`/v1/incidents/${incidentId}/calls`, { subscriberId, outcome: 'reached', note: 'Told her, she was kind' }, ownKey.key);
    expect(logged.status).toBe(201);
    expect((await rowsOf(ownKey.id)).map((r) => [r.method, r.route, r.status, r.incident_ids, r.subscriber_ids])).toEqual([
      ['GET', '/v1/incidents/:id/call-list', 200, [incidentId], [subscriberId]],
      ['POST', '/v1/incidents/:id/calls', 201, [incidentId], [subscriberId]],
    ]);
  });

  it('should record every change, and NOC\'s search for a customer by phone without the phone', async () => {
    await api.db.query(`DELETE FROM audit_log`);
    expect((await api.patch(`/v1/subscribers/${subscriberId}`, { locale: 'en' })).status).toBe(200);
    expect((await api.patch(`/v1/subscribers/${subscriberId}`, { locale: 'fr' })).status).toBe(422);
    const found = await api.get(`/v1/subscribers?q=${encodeURIComponent(PHONE)}`, nocKey.key);
    expect(found.body.items.map((s: { id: number }) => s.id)).toEqual([subscriberId]);
    const rows: Array<Record<string, any>> = await api.db.query(`SELECT * FROM audit_log ORDER BY id`);
    expect(rows.map((r) => [r.role, r.method, r.route, r.status, r.subscriber_ids])).toEqual([
      ['admin', 'PATCH', '/v1/subscribers/:id', 200, [subscriberId]],
      ['admin', 'PATCH', '/v1/subscribers/:id', 422, [subscriberId]],
      ['noc', 'GET', '/v1/subscribers', 200, [subscriberId]],
    ]);
  });

  it('should not record reads that show no customer\'s data', async () => {
    await api.db.query(`DELETE FROM audit_log`);
    await api.get(`/v1/incidents/${incidentId}`, ownKey.key);
    await api.get('/v1/areas', nocKey.key);
    expect(await api.count('audit_log')).toBe(0);
  });

  it('should hold no phone, email, name or text anywhere in the log', async () => {
    await api.get(`/v1/incidents/${incidentId}/messages`, ownKey.key);
    await api.get(`/v1/subscribers/${subscriberId}`, nocKey.key);
    await api.get(`/v1/subscribers?q=${encodeURIComponent(NAME)}`, nocKey.key);
    const all: Array<{ row: string }> = await api.db.query(`SELECT t::text AS row FROM audit_log t`);
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const { row } of all) expect(row).not.toMatch(/79130000555|olga\.private|Ольга|Fibre cut|kind/);
  });

  it('should write a change\'s row in the transaction that makes the change, imports included', async () => {
    await api.db.query(`DELETE FROM audit_log`);
    expect((await api.patch(`/v1/subscribers/${subscriberId}`, { locale: 'ru' })).status).toBe(200);
    const area = newArea();
    const imported = await api.request('POST', '/v1/imports/areas', { raw: `code,name\n${area.code},${area.name}\n`, contentType: 'text/csv' });
    expect(imported.status).toBe(200);
    // xmin: the transaction that wrote a row version. One transaction: no change commits without its row.
    const [same] = await api.db.query(
      `SELECT (SELECT xmin::text FROM subscribers WHERE id = $1) AS subscriber, (SELECT xmin::text FROM audit_log WHERE route = '/v1/subscribers/:id') AS patched,
              (SELECT xmin::text FROM areas WHERE code = $2) AS area, (SELECT xmin::text FROM audit_log WHERE route = '/v1/imports/areas') AS imported`,
      [subscriberId, area.code],
    );
    expect(same.patched).toBe(same.subscriber);
    expect(same.imported).toBe(same.area);
  });

  it('should keep a committed change\'s row, without what only its answer knew, when adding that afterwards fails', async () => {
    await api.db.query(`DELETE FROM audit_log`);
    // The step after the commit (a new incident's id into its row) fails, as it would with PostgreSQL gone.
    await api.db.query(`CREATE FUNCTION audit_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'no updates now'; END$$`);
    await api.db.query(`CREATE TRIGGER audit_test_refuse BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_test_refuse()`);
    try {
      const [{ last }] = await api.db.query(`SELECT max(id) AS last FROM incidents`);
      const res = await api.post('/v1/incidents', { title: 'Declared, then the log failed', kind: 'outage', scope: { areaCodes: [areaCode] } });
      expect(res.status).toBe(500);
      const [declared] = await api.db.query(`SELECT id, xmin::text FROM incidents WHERE id > $1`, [last]);
      expect(declared).toBeDefined(); // committed before the answer failed
      expect(await api.db.query(`SELECT route, status, incident_ids, xmin::text FROM audit_log`))
        .toEqual([{ route: '/v1/incidents', status: 201, incident_ids: [], xmin: declared.xmin }]);
    } finally {
      await api.db.query(`DROP TRIGGER audit_test_refuse ON audit_log; DROP FUNCTION audit_test_refuse()`);
    }
  });

  describe('GET /v1/audit', () => {
    it('should refuse noc and manager keys with 403', async () => {
      for (const key of [nocKey.key, ownKey.key]) expect((await api.get('/v1/audit', key)).status).toBe(403);
    });

    it('should filter by key, incident, subscriber and time, newest first', async () => {
      await api.db.query(`DELETE FROM audit_log`);
      await api.get(`/v1/incidents/${incidentId}/messages`, ownKey.key);
      await api.get(`/v1/subscribers/${subscriberId}/messages`, nocKey.key);
      await api.get(`/v1/subscribers/${subscriberId}`, nocKey.key);
      await api.db.query(`UPDATE audit_log SET at = now() - interval '2 days' WHERE route = '/v1/subscribers/:id'`);

      const byKey = await api.get(`/v1/audit?keyId=${nocKey.id}`, ADMIN_KEY);
      expect(byKey.status).toBe(200);
      expect(byKey.body.items.map((e: any) => e.route)).toEqual(['/v1/subscribers/:id', '/v1/subscribers/:id/messages']);
      expect(byKey.body.items[1]).toEqual({
        id: expect.any(String), at: expect.any(String), keyId: nocKey.id, keyName: 'noc-1', role: 'noc', method: 'GET',
        route: '/v1/subscribers/:id/messages', status: 200, incidentIds: [incidentId], subscriberIds: [subscriberId],
      });
      const byIncident = await api.get(`/v1/audit?incidentId=${incidentId}`, ADMIN_KEY);
      expect(byIncident.body.items.map((e: any) => e.keyId)).toEqual([nocKey.id, ownKey.id]);
      const bySubscriber = await api.get(`/v1/audit?subscriberId=${subscriberId}`, ADMIN_KEY);
      expect(bySubscriber.body.items).toHaveLength(3);
      const since = new Date(Date.now() - 86_400_000).toISOString();
      const recent = await api.get(`/v1/audit?subscriberId=${subscriberId}&from=${since}`, ADMIN_KEY);
      expect(recent.body.items.map((e: any) => e.route)).toEqual(['/v1/subscribers/:id/messages', '/v1/incidents/:id/messages']);
      const old = await api.get(`/v1/audit?to=${since}`, ADMIN_KEY);
      expect(old.body.items.map((e: any) => e.route)).toEqual(['/v1/subscribers/:id']);
    });

    it('should page with the cursor it gives out', async () => {
      const first = await api.get('/v1/audit?limit=2', ADMIN_KEY);
      expect(first.body.items).toHaveLength(2);
      const second = await api.get(`/v1/audit?limit=2&cursor=${first.body.nextCursor}`, ADMIN_KEY);
      expect(second.body.items).toHaveLength(1);
      expect(second.body.nextCursor).toBeNull();
      const ids = [...first.body.items, ...second.body.items].map((e: any) => Number(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
    });

    it.each([
      ['keyId=abc', 'keyId'],
      ['from=yesterday', 'from'],
      ['cursor=x1', 'cursor'],
      ['phone=1', 'phone'],
      ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'to'],
    ])('should answer 422 naming the field for %s', async (query, field) => {
      const res = await api.get(`/v1/audit?${query}`, ADMIN_KEY);
      expect(res.status).toBe(422);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });
  });
});
