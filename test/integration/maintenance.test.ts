import { StartMaintenanceJob } from '../../src/incidents/incident.jobs';
import { TestEngine } from '../support/engine';
import { seedTopology, SubscriberKey } from '../support/topology';

// 16:00Z: 23:00 in Novosibirsk (s1, s2: asleep), 19:00 in Moscow (s5: awake).
const EVENING = '2026-11-23T16:00:00Z';
const START = '2026-11-24T01:00:00Z'; // 08:00 in Novosibirsk, still inside the default quiet hours
const NSK_MORNING = '2026-11-24T02:00:00Z'; // 09:00 in Novosibirsk

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('scheduled maintenance', () => {
  let engine: TestEngine;
  let ids: Record<SubscriberKey, number>;
  beforeAll(async () => {
    engine = await TestEngine.start({ MAINTENANCE_START_INTERVAL_MS: '100' });
    ids = await seedTopology(engine.api, { s5: { timezone: 'Europe/Moscow' } });
  });
  afterAll(() => engine.stop());

  const declareMaintenance = async (startedAt: string) => {
    const res = await engine.api.post('/v1/incidents', {
      title: 'Planned upgrade', kind: 'maintenance', scope: { areaCodes: ['CITY-A1'] }, startedAt, etr: '2026-11-24T04:00:00Z',
    });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body;
  };
  const smsKinds = async (subscriberId: number, incidentId: number): Promise<string[]> =>
    (await engine.api.db.query(
      `SELECT kind FROM messages WHERE subscriber_id = $1 AND incident_id = $2 AND channel = 'sms' ORDER BY id`,
      [subscriberId, incidentId],
    )).map((r: { kind: string }) => r.kind);

  it('should stay scheduled before its start, then move to investigating by the system at its start, planned for notification', async () => {
    engine.setNow(EVENING);
    const incident = await declareMaintenance(START);
    expect(incident.status).toBe('scheduled');
    await engine.settle();
    expect(await smsKinds(ids.s5, incident.id)).toEqual(['notice']); // awake: told when declared

    expect(await engine.worker!.get(StartMaintenanceJob).handle()).toMatchObject({ status: 'skipped' });
    expect((await engine.api.get(`/v1/incidents/${incident.id}`)).body).toMatchObject({ status: 'scheduled', version: 1 });

    engine.setNow(START);
    const started = await waitFor(
      async () => (await engine.api.get(`/v1/incidents/${incident.id}`)).body,
      (b) => b.status !== 'scheduled',
      'the repeatable job to start the maintenance',
    );
    expect(started).toMatchObject({ status: 'investigating', version: 2 });
    expect(started.timeline.at(-1)).toMatchObject({
      actor: 'system', type: 'started', status: 'investigating', public: true, details: { scheduledStart: new Date(START).toISOString() },
    });
    await engine.settle(); // throws unless version 2 was planned
    const publicView = await engine.api.get(`/v1/public/incidents/${incident.code}`, null);
    expect(publicView.body.status).toBe('investigating');
    expect(publicView.body.updates.at(-1)).toMatchObject({ status: 'investigating' });

    // The start is not news to whoever was told already; the asleep get one notice in their morning.
    expect(await smsKinds(ids.s5, incident.id)).toEqual(['notice']);
    expect(await smsKinds(ids.s1, incident.id)).toEqual([]);
    engine.setNow(NSK_MORNING);
    await engine.settle();
    expect(await smsKinds(ids.s1, incident.id)).toEqual(['notice']);
    expect(await smsKinds(ids.s5, incident.id)).toEqual(['notice']);
  });

  it('should start each due maintenance exactly once when two workers run the job at the same time', async () => {
    engine.setNow(EVENING);
    const incidents = [];
    for (let i = 0; i < 3; i++) incidents.push(await declareMaintenance(START));
    const job = engine.worker!.get(StartMaintenanceJob);
    engine.setNow(START);
    const results = await Promise.all([job.handle(), job.handle()]); // the repeatable job may take some too
    const startedHere = results.flatMap((r) => (r.started as number[] | undefined) ?? []);
    expect(new Set(startedHere).size).toBe(startedHere.length);

    const mine = incidents.map((i) => i.id);
    const rows = await waitFor(
      () => engine.api.db.query(
        `SELECT i.id, i.status, i.version, (SELECT count(*)::int FROM incident_events e WHERE e.incident_id = i.id AND e.type = 'started') AS starts
         FROM incidents i WHERE i.id = ANY($1) ORDER BY i.id`,
        [mine],
      ),
      (r: Array<{ status: string }>) => r.every((x) => x.status !== 'scheduled'),
      'every maintenance to start',
    );
    expect(rows).toEqual(mine.map((id) => ({ id, status: 'investigating', version: 2, starts: 1 })));
  });
});
