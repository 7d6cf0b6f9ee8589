import { TestApi } from '../support/api';
import { expectCreated, seedTopology } from '../support/topology';

describe('outage manager assignment', () => {
  let api: TestApi;
  let managers: Record<string, number>;
  beforeAll(async () => {
    api = await TestApi.start();
    await seedTopology(api);
    managers = {};
    for (const [key, areaCodes] of [
      ['national', ['RU']],
      ['regionA', ['REG-A']],
      ['cityA1', ['CITY-A1']],
      ['cityA1bis', ['CITY-A1']],
      ['regionB', ['REG-B']],
    ] as const) {
      const m = await expectCreated(api, '/v1/outage-managers', {
        name: `Manager ${key}`, phone: '+73832000100', email: `${key}@operator.example`, areaCodes,
      });
      managers[key] = m.id;
    }
  });
  afterAll(() => api.stop());

  const declare = (scope: object) =>
    api.post('/v1/incidents', { title: 'test', kind: 'outage', scope }).then((r) => {
      expect(r.status).toBe(201);
      return r.body;
    });
  const duty = (key: string, onDuty: boolean) => api.patch(`/v1/outage-managers/${managers[key]}`, { onDuty });

  it('should pick the most specific cover, then the one with fewer open incidents', async () => {
    const first = await declare({ areaCodes: ['DIST-A1a'] });
    const second = await declare({ areaCodes: ['DIST-A1b'] });
    const both = [first.manager.id, second.manager.id].sort();
    expect(both).toEqual([managers.cityA1, managers.cityA1bis].sort()); // city managers share the load
    expect(first.manager).toMatchObject({ name: expect.stringMatching(/Manager cityA1/), phone: '+73832000100' });
    expect(first.unassigned).toBe(false);
  });

  it('should prefer a manager covering the whole scope over a more specific partial cover', async () => {
    const incident = await declare({ areaCodes: ['DIST-A1a', 'DIST-B1a'] });
    expect(incident.manager.id).toBe(managers.national);
  });

  it('should cover an element scope through the areas its elements sit in', async () => {
    const incident = await declare({ elementCodes: ['OLT-2'] });
    expect(incident.manager.id).toBe(managers.regionB);
  });

  it('should fall back to a wider cover when the specific managers are off duty', async () => {
    await duty('cityA1', false);
    await duty('cityA1bis', false);
    const incident = await declare({ areaCodes: ['CITY-A1'] });
    expect(incident.manager.id).toBe(managers.regionA);
  });

  it('should declare without a manager when nobody is on duty, and say so', async () => {
    for (const key of Object.keys(managers)) await duty(key, false);
    const incident = await declare({ areaCodes: ['DIST-B1a'] });
    expect(incident).toMatchObject({ manager: null, unassigned: true });
    const detail = await api.get(`/v1/incidents/${incident.id}`);
    expect(detail.body.timeline.map((e: any) => e.type)).toContain('unassigned');
    const listed = await api.get('/v1/incidents?unassigned=true');
    expect(listed.body.items.map((i: any) => i.id)).toContain(incident.id);

    await duty('regionB', true);
    const assigned = await api.request('PUT', `/v1/incidents/${incident.id}/manager`, { body: { managerId: managers.regionB } });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ manager: { id: managers.regionB }, unassigned: false });
    expect(assigned.body.timeline.at(-1)).toMatchObject({ type: 'manager_assigned', details: { managerId: managers.regionB, manual: true } });
  });

  it('should flag the open incidents of a manager who goes off duty', async () => {
    await duty('regionB', true);
    const open = await declare({ areaCodes: ['CITY-B1'] });
    expect(open.manager.id).toBe(managers.regionB);
    const closed = await declare({ areaCodes: ['CITY-B1'] });
    await api.post(`/v1/incidents/${closed.id}/resolve`, {});

    expect((await duty('regionB', false)).status).toBe(200);
    const after = await api.get(`/v1/incidents/${open.id}`);
    expect(after.body).toMatchObject({ needsReassignment: true, unassigned: true, manager: { id: managers.regionB } });
    expect(after.body.timeline.at(-1)).toMatchObject({ type: 'needs_reassignment' });
    expect((await api.get(`/v1/incidents/${closed.id}`)).body.needsReassignment).toBe(false);
    expect((await api.get('/v1/incidents?unassigned=true&status=open')).body.items.map((i: any) => i.id)).toContain(open.id);
  });

  it('should refuse to assign an off-duty or unknown manager', async () => {
    const incident = await declare({ areaCodes: ['REG-A'] });
    const off = await api.request('PUT', `/v1/incidents/${incident.id}/manager`, { body: { managerId: managers.cityA1 } });
    expect(off.status).toBe(409);
    expect(off.body.error.code).toBe('MANAGER_OFF_DUTY');
    expect((await api.request('PUT', `/v1/incidents/${incident.id}/manager`, { body: { managerId: 99999 } })).status).toBe(404);
    expect((await api.request('PUT', `/v1/incidents/${incident.id}/manager`, { body: {} })).status).toBe(422);
  });
});
