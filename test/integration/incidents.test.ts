import { TestApi } from '../support/api';
import { seedTopology, SubscriberKey } from '../support/topology';

const IN_ONE_HOUR = () => new Date(Date.now() + 3600_000).toISOString();

describe('incidents: impact', () => {
  let api: TestApi;
  let ids: Record<SubscriberKey, number>;
  beforeAll(async () => {
    api = await TestApi.start();
    ids = await seedTopology(api);
  });
  afterAll(() => api.stop());

  const affectedBy = async (scope: object) => (await api.post('/v1/incidents/preview', { scope })).body.affected;

  it.each([
    [{ areaCodes: ['RU'] }, 5],
    [{ areaCodes: ['REG-A'] }, 3], // s1, s2, s5
    [{ areaCodes: ['CITY-A1'] }, 3],
    [{ areaCodes: ['DIST-A1a'] }, 1],
    [{ areaCodes: ['REG-B'] }, 2], // s3, s4
    [{ elementCodes: ['CORE'] }, 4], // everyone with an access element
    [{ elementCodes: ['AGG-1'] }, 3], // OLT-1 (s1, s4) and OLT-2 (s3)
    [{ elementCodes: ['OLT-3'] }, 1],
    [{ areaCodes: ['DIST-A1a'], elementCodes: ['OLT-1'] }, 2], // s1 counted once, plus s4
    [{ areaCodes: ['REG-A', 'CITY-A1'], elementCodes: ['AGG-2'] }, 3], // nested and overlapping scopes
  ])('should count the subtree impact of %j as %i, each subscriber once', async (scope, expected) => {
    expect(await affectedBy(scope)).toBe(expected);
  });

  it('should preview counts by tier and area and how many are asleep, writing nothing', async () => {
    api.setNow('2026-11-23T16:00:00Z'); // 23:00 in Novosibirsk, 02:00 in Vladivostok, 19:00 in Moscow
    const res = await api.post('/v1/incidents/preview', { scope: { elementCodes: ['CORE'] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ affected: 4, byTier: { residential: 4, business: 0, vip: 0 }, inQuietHoursNow: 4 });
    expect(res.body.byArea).toEqual(
      expect.arrayContaining([{ code: 'DIST-B1a', name: 'District B1a', count: 2 }, expect.objectContaining({ code: 'DIST-A1a', count: 1 })]),
    );
    api.setNow('2026-11-23T06:00:00Z'); // 13:00 Novosibirsk, 16:00 Vladivostok
    expect((await api.post('/v1/incidents/preview', { scope: { elementCodes: ['CORE'] } })).body.inQuietHoursNow).toBe(0);
    expect(await api.count('incidents')).toBe(0);
    expect(await api.count('incident_impact')).toBe(0);
  });

  it('should store the impact on declare, widen and narrow it, and keep who was released', async () => {
    api.app.get(require('../../src/common/clock').Clock).now = () => new Date();
    const declared = await api.post('/v1/incidents', {
      title: 'OLT 1 down', kind: 'outage', scope: { elementCodes: ['OLT-1'] }, etr: IN_ONE_HOUR(),
    });
    expect(declared.status).toBe(201);
    expect(declared.body).toMatchObject({ status: 'investigating', affected: 2, kind: 'outage' });
    expect(declared.body.code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    const id = declared.body.id;

    const widened = await api.post(`/v1/incidents/${id}/updates`, { scope: { elementCodes: ['OLT-1'], areaCodes: ['REG-A'] } });
    expect(widened.status).toBe(200);
    expect(widened.body.affected).toBe(4); // s1, s4 + s2, s5
    expect(widened.body.timeline.at(-1)).toMatchObject({ type: 'updated', details: { added: 2, removed: 0 } });

    const narrowed = await api.post(`/v1/incidents/${id}/updates`, { scope: { areaCodes: ['DIST-A1b'] } });
    expect(narrowed.body.affected).toBe(1);
    expect(narrowed.body.timeline.at(-1).details).toMatchObject({ added: 0, removed: 3 });
    const rows = await api.db.query(
      `SELECT subscriber_id, removed_at IS NOT NULL AS released FROM incident_impact WHERE incident_id = $1 ORDER BY subscriber_id`,
      [id],
    );
    expect(rows).toEqual([
      { subscriber_id: ids.s1, released: true },
      { subscriber_id: ids.s2, released: false },
      { subscriber_id: ids.s4, released: true },
      { subscriber_id: ids.s5, released: true },
    ]);

    // Widening again brings a released subscriber back rather than duplicating them.
    const again = await api.post(`/v1/incidents/${id}/updates`, { scope: { areaCodes: ['DIST-A1b', 'DIST-A1a'] } });
    expect(again.body.affected).toBe(2);
  });

  it('should let one subscriber be affected by overlapping incidents', async () => {
    const a = await api.post('/v1/incidents', { title: 'A', kind: 'degradation', scope: { areaCodes: ['DIST-A1a'] } });
    const b = await api.post('/v1/incidents', { title: 'B', kind: 'outage', scope: { elementCodes: ['AGG-1'] } });
    expect([a.status, b.status]).toEqual([201, 201]);
    const rows = await api.db.query(
      `SELECT count(*)::int AS n FROM incident_impact WHERE subscriber_id = $1 AND incident_id = ANY($2) AND removed_at IS NULL`,
      [ids.s1, [a.body.id, b.body.id]],
    );
    expect(rows[0].n).toBe(2);
  });
});

describe('incidents: lifecycle and bad input', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start();
    await seedTopology(api);
  });
  afterAll(() => api.stop());

  const counts = async () => Promise.all(['incidents', 'incident_impact', 'incident_events', 'call_tasks'].map((t) => api.count(t)));

  it.each([
    [{ title: 'x', kind: 'outage', scope: { areaCodes: ['NOPE'] } }, 422, 'UNKNOWN_REFERENCE', 'NOPE'],
    [{ title: 'x', kind: 'outage', scope: { elementCodes: ['OLT-1', 'GHOST'] } }, 422, 'UNKNOWN_REFERENCE', 'GHOST'],
    [{ title: 'x', kind: 'outage', scope: {} }, 422, 'SCOPE_EMPTY', 'scope'],
    [{ title: 'x', kind: 'outage', scope: { areaCodes: [] } }, 422, 'SCOPE_EMPTY', 'scope'],
    [{ title: 'x', kind: 'outage' }, 422, 'VALIDATION_FAILED', 'scope'],
    [{ title: 'x', kind: 'outage', scope: { areaCodes: ['RU'] }, etr: '2020-01-01T00:00:00Z' }, 422, 'VALIDATION_FAILED', 'etr'],
    [{ title: 'x', kind: 'outage', scope: { areaCodes: ['RU'] }, etr: '2030-01-01 10:00' }, 422, 'VALIDATION_FAILED', 'etr'],
    [{ title: 'x', kind: 'storm', scope: { areaCodes: ['RU'] } }, 422, 'VALIDATION_FAILED', 'kind'],
    [{ kind: 'outage', scope: { areaCodes: ['RU'] } }, 422, 'VALIDATION_FAILED', 'title'],
    [{ title: 'x', kind: 'outage', scope: { areaCodes: ['RU'] }, startedAt: '2099-01-01T00:00:00Z' }, 422, 'VALIDATION_FAILED', 'startedAt'],
  ])('should refuse %j with %i %s naming %s and write nothing', async (body, status, code, named) => {
    const before = await counts();
    const res = await api.post('/v1/incidents', body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(JSON.stringify(res.body.error)).toContain(named);
    expect(await counts()).toEqual(before);
  });

  it('should refuse impossible transitions with 409 and change nothing', async () => {
    const { body: incident } = await api.post('/v1/incidents', { title: 'x', kind: 'outage', scope: { areaCodes: ['CITY-B1'] } });
    expect((await api.post(`/v1/incidents/${incident.id}/resolve`, {})).status).toBe(200);

    const twice = await api.post(`/v1/incidents/${incident.id}/resolve`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('INCIDENT_ALREADY_RESOLVED');
    expect((await api.post(`/v1/incidents/${incident.id}/updates`, { message: 'hi' })).status).toBe(409);
    expect((await api.post(`/v1/incidents/${incident.id}/cancel`, { reason: 'oops' })).status).toBe(409);

    const { body: other } = await api.post('/v1/incidents', { title: 'y', kind: 'outage', scope: { areaCodes: ['CITY-B1'] } });
    await api.post(`/v1/incidents/${other.id}/cancel`, { reason: 'declared in error' });
    const before = await counts();
    const update = await api.post(`/v1/incidents/${other.id}/updates`, { status: 'identified' });
    expect(update.status).toBe(409);
    expect(update.body.error.code).toBe('INCIDENT_CANCELLED');
    expect((await api.post(`/v1/incidents/${other.id}/resolve`, {})).status).toBe(409);
    expect(await counts()).toEqual(before);
    expect((await api.get(`/v1/incidents/${other.id}`)).body.status).toBe('cancelled');
  });

  it('should refuse an ETR in the past on update and closing an incident through an update', async () => {
    const { body: incident } = await api.post('/v1/incidents', { title: 'x', kind: 'outage', scope: { areaCodes: ['REG-B'] } });
    const past = await api.post(`/v1/incidents/${incident.id}/updates`, { etr: new Date(Date.now() - 60_000).toISOString() });
    expect(past.status).toBe(422);
    expect(past.body.error.details[0].field).toBe('etr');
    const closing = await api.post(`/v1/incidents/${incident.id}/updates`, { status: 'resolved' });
    expect(closing.status).toBe(422);
    expect(closing.body.error.details[0]).toMatchObject({ field: 'status' });
    expect((await api.post(`/v1/incidents/${incident.id}/updates`, {})).status).toBe(422);
    expect((await api.get('/v1/incidents/999999')).status).toBe(404);
  });

  it('should keep a timeline with the acting key and count ETR slips', async () => {
    const noc = await api.keyFor('noc');
    const { body: incident } = await api.post(
      '/v1/incidents',
      { title: 'fibre cut', kind: 'outage', scope: { areaCodes: ['REG-A'] }, etr: IN_ONE_HOUR(), publicMessage: 'Working on it' },
      noc,
    );
    await api.post(`/v1/incidents/${incident.id}/updates`, { status: 'identified', etr: new Date(Date.now() + 3 * 3600_000).toISOString() }, noc);
    await api.post(`/v1/incidents/${incident.id}/updates`, { message: 'Crew on site' }, noc);
    const res = await api.post(`/v1/incidents/${incident.id}/resolve`, { message: 'Restored' }, noc);
    expect(res.body).toMatchObject({ status: 'resolved', etrSlips: 1 });
    expect(res.body.timeline.map((e: any) => [e.type, e.actor])).toEqual([
      ['declared', 'noc-test'],
      ['unassigned', 'noc-test'],
      ['updated', 'noc-test'],
      ['updated', 'noc-test'],
      ['resolved', 'noc-test'],
    ]);
    expect(res.body.timeline[2]).toMatchObject({ status: 'identified', details: { slippedByMinutes: 120 } });
    expect(res.body.version).toBe(4);
  });

  it('should declare maintenance ahead of its start as scheduled', async () => {
    const start = new Date(Date.now() + 24 * 3600_000);
    const res = await api.post('/v1/incidents', {
      title: 'Planned upgrade', kind: 'maintenance', scope: { elementCodes: ['AGG-2'] },
      startedAt: start.toISOString(), etr: new Date(start.getTime() + 2 * 3600_000).toISOString(),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'scheduled', startedAt: start.toISOString() });
  });

  it('should list incidents by status, assignment and area, paginated', async () => {
    const all = await api.get('/v1/incidents?limit=2');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(2);
    const next = await api.get(`/v1/incidents?limit=2&cursor=${all.body.nextCursor}`);
    expect(next.body.items[0].id).toBeLessThan(all.body.items[1].id);

    const resolved = await api.get('/v1/incidents?status=resolved');
    expect(resolved.body.items.length).toBeGreaterThan(0);
    expect(resolved.body.items.every((i: any) => i.status === 'resolved')).toBe(true);

    const inB = await api.get('/v1/incidents?areaCode=DIST-B1a');
    expect(inB.body.items.length).toBeGreaterThan(0);
    expect(inB.body.items.every((i: any) => i.scope.areaCodes.some((c: string) => ['REG-B', 'CITY-B1', 'DIST-B1a'].includes(c)))).toBe(true);
    const inA = await api.get('/v1/incidents?areaCode=DIST-A1b');
    expect(inA.body.items.map((i: any) => i.title)).toEqual(expect.arrayContaining(['fibre cut', 'Planned upgrade']));

    expect((await api.get('/v1/incidents?unassigned=true&status=open')).body.items.length).toBeGreaterThan(0);
    expect((await api.get('/v1/incidents?status=bogus')).status).toBe(422);
  });
});
