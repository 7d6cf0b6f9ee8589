import { TestApi } from '../support/api';
import { seedTopology, SubscriberKey } from '../support/topology';

/** A NUL character anywhere in a request: a 422 naming where, and nothing written (it was a 500). */
describe('NUL characters in API input', () => {
  let api: TestApi;
  let ids: Record<SubscriberKey, number>;

  beforeAll(async () => {
    api = await TestApi.start();
    ids = await seedTopology(api);
  });
  afterAll(async () => {
    await api?.stop();
  });

  const expectRefused = (res: { status: number; body: any }, field: string) => {
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field, message: 'must not contain the NUL character (U+0000)' }] });
  };

  it('should refuse a top-level field holding a NUL and create nothing', async () => {
    const before = await api.count('areas');
    expectRefused(await api.post('/v1/areas', { code: 'NEW-1', name: 'New\u0000district', parentCode: 'RU' }), 'name');
    expect(await api.count('areas')).toBe(before);
  });

  it('should name the nested field when the NUL is deep in the body', async () => {
    const before = await api.count('incidents');
    const res = await api.post('/v1/incidents', { title: 'Cut', kind: 'outage', scope: { areaCodes: ['DIST-A1a', 'DIST\u0000'] } });
    expectRefused(res, 'scope.areaCodes[1]');
    expect(await api.count('incidents')).toBe(before);
  });

  it('should leave a subscriber unchanged when an update holds a NUL', async () => {
    expectRefused(await api.patch(`/v1/subscribers/${ids.s1}`, { name: 'Анна\u0000' }), 'name');
    const [row] = await api.db.query(`SELECT name FROM subscribers WHERE id = $1`, [ids.s1]);
    expect(row.name).toBe('Анна Петрова');
  });

  it('should name the parameter when the query string or the path holds a NUL', async () => {
    expectRefused(await api.get('/v1/feedback?incidentId=%00'), 'incidentId');
    expectRefused(await api.get('/v1/areas/RU%00'), 'path');
    expectRefused(await api.get('/v1/public/incidents/%00'), 'path');
  });
});
