import { CallReasonCodes1765200300000 } from '../../migrations/1765200300000-CallReasonCodes';
import { TestApi } from '../support/api';
import { expectCreated, seedTopology, SubscriberKey } from '../support/topology';

describe('call list', () => {
  let api: TestApi;
  let ids: Record<SubscriberKey, number>;
  let incidentId: number;
  let declared: any;
  let managerKey: string;
  const nameOf = (id: number) => Object.entries(ids).find(([, v]) => v === id)?.[0];
  const list = async (query = '', key?: string) => api.get(`/v1/incidents/${incidentId}/call-list${query}`, key);

  beforeAll(async () => {
    api = await TestApi.start();
    ids = await seedTopology(api, {
      s1: { tier: 'vip' }, // Novosibirsk
      s2: { tier: 'business', quietHours: { start: '23:30', end: '06:00' } }, // Novosibirsk, late sleeper
      s3: { flags: ['sensitive'] }, // Vladivostok
      s4: { phone: null, channels: { sms: true, email: false } }, // Vladivostok, nothing can reach them
    });
    const manager = await expectCreated(api, '/v1/outage-managers', {
      name: 'Ирина Смирнова', phone: '+73832000101', email: 'irina@operator.example', areaCodes: ['RU'],
    });
    managerKey = (await expectCreated(api, '/v1/api-keys', { name: 'irina', role: 'manager', managerId: manager.id })).key;
    api.setNow('2026-11-23T16:00:00Z'); // 23:00 in Novosibirsk, 02:00 in Vladivostok
    const incident = await expectCreated(api, '/v1/incidents', { title: 'Ring down', kind: 'outage', scope: { areaCodes: ['RU'] } });
    incidentId = incident.id;
    declared = incident;
  });
  afterAll(() => api.stop());

  it("should answer the declare with the list's counts as a read counts them", async () => {
    const read = await api.get(`/v1/incidents/${incidentId}`);
    expect(read.body.stats.callList).toEqual({ total: 4, pending: 4 });
    expect(declared.stats.callList).toEqual(read.body.stats.callList);
  });

  it('should rank vip, business, flagged, then unreachable, and leave plain residential customers off', async () => {
    const res = await list('', managerKey);
    expect(res.status).toBe(200);
    expect(res.body.map((e: any) => nameOf(e.subscriberId))).toEqual(['s1', 's2', 's3', 's4']);
    expect(res.body.map((e: any) => e.reasons)).toEqual([
      [{ code: 'vip' }],
      [{ code: 'business' }],
      [{ code: 'flagged', flags: ['sensitive'] }],
      [{ code: 'unreachable' }],
    ]);
    expect(res.headers.get('x-total-count')).toBe('4');
  });

  it('should say when each customer may be called, in their own time zone', async () => {
    const byName = Object.fromEntries((await list()).body.map((e: any) => [nameOf(e.subscriberId), e]));
    expect(byName.s1).toMatchObject({ callableFrom: '2026-11-24T09:00:00+07:00', callableNow: false, timezone: 'Asia/Novosibirsk' });
    expect(byName.s2).toMatchObject({ callableFrom: '2026-11-23T23:00:00+07:00', callableNow: true }); // awake until 23:30
    expect(byName.s3).toMatchObject({ callableFrom: '2026-11-24T09:00:00+10:00', callableNow: false, timezone: 'Asia/Vladivostok' });
  });

  it('should put people hit by another recent incident on the next list, ranked above other residential ones', async () => {
    const second = await expectCreated(api, '/v1/incidents', { title: 'Again', kind: 'outage', scope: { areaCodes: ['RU'] } });
    const res = await api.get(`/v1/incidents/${second.id}/call-list`);
    const names = res.body.map((e: any) => nameOf(e.subscriberId));
    // s3 is flagged; s4 and s5 were both hit before and tie on time affected, so id decides.
    expect(names).toEqual(['s1', 's2', 's3', 's4', 's5']);
    const repeat = { code: 'repeat_incidents', count: 2, days: 90 };
    expect(res.body[3].reasons).toEqual([repeat, { code: 'unreachable' }]);
    expect(res.body[4].reasons).toEqual([repeat]);
    expect(res.body[0].reasons).toEqual([{ code: 'vip' }, repeat]);
    // The v1 contract's `reason`: the same reasons in English, joined.
    expect(res.body[0].reason).toBe('vip customer; hit by 2 incidents in 90 days');
    expect(res.body[3].reason).toBe('hit by 2 incidents in 90 days; no reachable channel');
  });

  it('should page through the list with a cursor', async () => {
    const first = await list('?limit=3');
    expect(first.body).toHaveLength(3);
    const cursor = first.headers.get('x-next-cursor');
    expect(cursor).toBeTruthy();
    const second = await list(`?limit=3&cursor=${cursor}`);
    expect(second.body.map((e: any) => nameOf(e.subscriberId))).toEqual(['s4']);
    expect(second.headers.get('x-next-cursor')).toBeNull();
    expect((await list('?cursor=garbage')).status).toBe(422);
  });

  it('should drop a reached customer from the pending list and keep a callback with its time', async () => {
    const reached = await api.post(`/v1/incidents/${incidentId}/calls`, { subscriberId: ids.s1, outcome: 'reached', note: 'apologised' }, managerKey);
    expect(reached.status).toBe(201);
    const callback = await api.post(
      `/v1/incidents/${incidentId}/calls`,
      { subscriberId: ids.s2, outcome: 'callback_requested', callbackAt: '2026-11-24T05:00:00Z' },
      managerKey,
    );
    expect(callback.status).toBe(201);
    await api.post(`/v1/incidents/${incidentId}/calls`, { subscriberId: ids.s3, outcome: 'no_answer' }, managerKey);

    const pending = await list();
    expect(pending.body.map((e: any) => nameOf(e.subscriberId))).toEqual(['s2', 's3', 's4']);
    expect(pending.body[0]).toMatchObject({ outcome: 'callback_requested', callableFrom: '2026-11-24T12:00:00+07:00', attempts: 1 });
    expect(pending.body[1]).toMatchObject({ outcome: 'no_answer', attempts: 1 });
    expect(pending.headers.get('x-pending-count')).toBe('3');

    const all = await list('?status=all');
    expect(all.body[0]).toMatchObject({ subscriberId: ids.s1, outcome: 'reached', note: 'apologised' });
    const attempts = await api.db.query(`SELECT count(*)::int AS n FROM call_attempts WHERE incident_id = $1`, [incidentId]);
    expect(attempts[0].n).toBe(3);
  });

  it('should refuse bad call records and calls to customers not on the list', async () => {
    const notListed = await api.post(`/v1/incidents/${incidentId}/calls`, { subscriberId: ids.s5, outcome: 'reached' });
    expect(notListed.status).toBe(422);
    expect(notListed.body.error.code).toBe('NOT_ON_CALL_LIST');
    const noTime = await api.post(`/v1/incidents/${incidentId}/calls`, { subscriberId: ids.s3, outcome: 'callback_requested' });
    expect(noTime.status).toBe(422);
    expect(noTime.body.error.details[0].field).toBe('callbackAt');
    const badOutcome = await api.post(`/v1/incidents/${incidentId}/calls`, { subscriberId: ids.s3, outcome: 'yelled' });
    expect(badOutcome.body.error.details[0].field).toBe('outcome');
  });

  it('should keep a manager to the call lists of their own incidents', async () => {
    const other = await expectCreated(api, '/v1/outage-managers', {
      name: 'Other', phone: '+73832000102', email: 'other@operator.example', areaCodes: ['REG-B'],
    });
    const otherKey = (await expectCreated(api, '/v1/api-keys', { name: 'other', role: 'manager', managerId: other.id })).key;
    expect((await list('', otherKey)).status).toBe(403);
    expect((await api.post(`/v1/incidents/${incidentId}/calls`, { subscriberId: ids.s3, outcome: 'reached' }, otherKey)).status).toBe(403);
    expect((await list('', await api.keyFor('noc'))).status).toBe(200);
  });

  it('should read reasons stored as English sentences back into codes when migrating, and keep an unknown one as text', async () => {
    const migration = new CallReasonCodes1765200300000();
    const stored = () => api.db.query(`SELECT reasons FROM call_tasks WHERE incident_id = $1 ORDER BY subscriber_id`, [incidentId]);
    const codes = await stored();
    const runner = api.db.createQueryRunner();
    try {
      await migration.down(runner);
      expect((await stored()).map((r: { reasons: string[] }) => r.reasons)).toEqual([
        ['vip customer'], ['business customer'], ['flagged: sensitive'], ['no reachable channel'],
      ]);
      await api.db.query(`UPDATE call_tasks SET reasons = $3 WHERE incident_id = $1 AND subscriber_id = $2`, [incidentId, ids.s1, [
        'vip customer', 'flagged: sensitive, medical', 'hit by 3 incidents in 90 days', 'opted out of SMS (STOP), no other channel',
        'text did not get through: EXPIRED err:001 (part 2 of 2)', 'email did not get through: gave up after 12 attempts: 451 4.3.0 try later',
        'text did not get through: null', 'called twice before',
      ]]);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    const s1 = (await list('?status=all')).body.find((e: any) => e.subscriberId === ids.s1);
    expect(s1.reasons).toEqual([
      { code: 'vip' },
      { code: 'flagged', flags: ['sensitive', 'medical'] },
      { code: 'repeat_incidents', count: 3, days: 90 },
      { code: 'opted_out' },
      { code: 'undelivered', channel: 'sms', error: 'EXPIRED err:001 (part 2 of 2)' },
      { code: 'undelivered', channel: 'email', error: '451 4.3.0 try later', attempts: 12 },
      { code: 'undelivered', channel: 'sms', error: null },
      { code: 'other', text: 'called twice before' },
    ]);
    expect((await stored()).slice(1)).toEqual(codes.slice(1)); // the others came back as they were
  });
});
