import { TestEngine } from '../support/engine';
import { expectCreated, seedTopology } from '../support/topology';

/**
 * GET /v1/incidents/:id/progress: delivery over time per channel and the "waiting for morning"
 * histogram, against the real engine. At 12:00 UTC it is 19:00 in Novosibirsk (s1, s2, s5 awake)
 * and 22:00 in Vladivostok (s3, s4 asleep until 09:00 local = 23:00 UTC).
 */
const DECLARE = '2026-11-23T12:00:00Z';

describe('incident progress, and what a manager key may read', () => {
  let engine: TestEngine;
  let incidentId: number;
  let ownKey: string;
  let otherKey: string;
  let nocKey: string;

  beforeAll(async () => {
    engine = await TestEngine.start();
    engine.setNow(DECLARE);
    await seedTopology(engine.api);
    const own = await expectCreated(engine.api, '/v1/outage-managers', { name: 'Irina', phone: '+73832000101', email: 'i@op.example', areaCodes: ['RU'] });
    const other = await expectCreated(engine.api, '/v1/outage-managers', { name: 'Pavel', phone: '+74232000102', email: 'p@op.example', areaCodes: ['REG-B'], onDuty: false });
    ownKey = (await expectCreated(engine.api, '/v1/api-keys', { name: 'irina', role: 'manager', managerId: own.id })).key;
    otherKey = (await expectCreated(engine.api, '/v1/api-keys', { name: 'pavel', role: 'manager', managerId: other.id })).key;
    nocKey = (await expectCreated(engine.api, '/v1/api-keys', { name: 'noc', role: 'noc' })).key;
    const incident = await expectCreated(engine.api, '/v1/incidents', { title: 'Core outage', kind: 'outage', scope: { areaCodes: ['RU'] } });
    expect(incident.manager.id).toBe(own.id);
    incidentId = incident.id;
    await engine.settle();
    // The declare's answer counted before anything was sent; a minute and a half on, nobody is answered those counts.
    engine.setNow('2026-11-23T12:01:30Z');
  });
  afterAll(() => engine.stop());

  it('should count what was sent per channel and when the asleep will be told', async () => {
    const res = await engine.api.get(`/v1/incidents/${incidentId}/progress`, nocKey);
    expect(res.status).toBe(200);
    expect(res.body.bucketSeconds).toBe(60);
    const total = (channel: string) =>
      res.body.points.filter((p: { channel: string }) => p.channel === channel).reduce((n: number, p: { sent: number }) => n + p.sent, 0);
    expect(total('sms')).toBe(3); // the awake in Novosibirsk
    expect(total('email')).toBe(5); // email wakes nobody: everyone
    expect(res.body.waking).toEqual([{ at: '2026-11-23T23:00:00.000Z', count: 2 }]); // 09:00 in Vladivostok
    for (const p of res.body.points) expect(new Date(p.at).getTime() % 60_000).toBe(0);
  });

  it('should show the progress to its own manager and answer 403 to another manager and 404 for an unknown id', async () => {
    expect((await engine.api.get(`/v1/incidents/${incidentId}/progress`, ownKey)).status).toBe(200);
    const other = await engine.api.get(`/v1/incidents/${incidentId}/progress`, otherKey);
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.body)).not.toContain('Core outage');
    expect((await engine.api.get('/v1/incidents/999999/progress', nocKey)).status).toBe(404);
    expect((await engine.api.get(`/v1/incidents/${incidentId}/progress`, null)).status).toBe(401);
  });

  it('should give a manager key only its own incidents in the list and detail, and refuse another manager\'s', async () => {
    const own = await engine.api.get('/v1/incidents?status=open', ownKey);
    expect(own.body.items.map((i: { id: number }) => i.id)).toEqual([incidentId]);
    expect((await engine.api.get('/v1/incidents?status=open', otherKey)).body.items).toEqual([]);
    const asking = await engine.api.get(`/v1/incidents?managerId=${own.body.items[0].manager.id}`, otherKey);
    expect(asking.status).toBe(403);
    expect(JSON.stringify(asking.body)).not.toContain('Core outage');

    expect((await engine.api.get(`/v1/incidents/${incidentId}`, ownKey)).body.title).toBe('Core outage');
    const detail = await engine.api.get(`/v1/incidents/${incidentId}`, otherKey);
    expect(detail.status).toBe(403);
    expect(JSON.stringify(detail.body)).not.toContain('Core outage');
    // NOC sees every incident.
    expect((await engine.api.get('/v1/incidents?status=open', nocKey)).body.items).toHaveLength(1);
  });
});
