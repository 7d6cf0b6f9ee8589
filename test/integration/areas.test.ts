import { TestApi } from '../support/api';
import { newArea } from '../support/factories';

describe('areas', () => {
  let api: TestApi;
  beforeAll(async () => (api = await TestApi.start()));
  afterAll(() => api.stop());

  it('should inherit the nearest ancestor time zone when an area has none', async () => {
    const root = newArea({ timezone: 'Asia/Vladivostok' });
    const mid = newArea({ parentCode: root.code });
    const leaf = newArea({ parentCode: mid.code });
    for (const a of [root, mid, leaf]) expect((await api.post('/v1/areas', a)).status).toBe(201);

    expect((await api.get(`/v1/areas/${leaf.code}`)).body).toMatchObject({
      timezone: null,
      effectiveTimezone: 'Asia/Vladivostok',
      ancestors: [root.code, mid.code],
    });

    await api.patch(`/v1/areas/${mid.code}`, { timezone: 'Asia/Magadan' });
    expect((await api.get(`/v1/areas/${leaf.code}`)).body.effectiveTimezone).toBe('Asia/Magadan');

    await api.patch(`/v1/areas/${mid.code}`, { timezone: null });
    expect((await api.get(`/v1/areas/${leaf.code}`)).body.effectiveTimezone).toBe('Asia/Vladivostok');
  });

  it('should refuse to move an area under its own descendant and change nothing when it tries', async () => {
    const root = newArea();
    const child = newArea({ parentCode: root.code });
    const grandchild = newArea({ parentCode: child.code });
    for (const a of [root, child, grandchild]) await api.post('/v1/areas', a);

    const res = await api.patch(`/v1/areas/${root.code}`, { parentCode: grandchild.code });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'HIERARCHY_CYCLE', details: [{ field: 'parentCode' }] });
    expect((await api.get(`/v1/areas/${root.code}`)).body.parentCode).toBeNull();

    const self = await api.patch(`/v1/areas/${child.code}`, { parentCode: child.code });
    expect(self.status).toBe(409);
  });

  it('should move a whole subtree when a node gets a new parent', async () => {
    const a = newArea({ timezone: 'Europe/Kaliningrad' });
    const b = newArea({ timezone: 'Asia/Yekaterinburg' });
    const child = newArea({ parentCode: a.code });
    const leaf = newArea({ parentCode: child.code });
    for (const x of [a, b, child, leaf]) await api.post('/v1/areas', x);

    expect((await api.patch(`/v1/areas/${child.code}`, { parentCode: b.code })).status).toBe(200);
    expect((await api.get(`/v1/areas/${leaf.code}`)).body).toMatchObject({
      ancestors: [b.code, child.code],
      effectiveTimezone: 'Asia/Yekaterinburg',
    });
  });
});
