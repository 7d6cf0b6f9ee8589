import { DELIVERY_COUNTS_TTL_MS } from '../../src/incidents/incidents.service';
import { NotificationsRepository } from '../../src/notifications/notifications.repository';
import { TestEngine } from '../support/engine';
import { seedTopology } from '../support/topology';

const DAY = '2026-11-23T08:00:00Z'; // 11:00 in Moscow, 15:00 in Novosibirsk, 18:00 in Vladivostok: all awake

describe('incident delivery counts', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await TestEngine.start();
    await seedTopology(engine.api);
  });
  afterAll(() => engine.stop());

  it(`should count threads and messages once per ${DELIVERY_COUNTS_TTL_MS} ms per incident, shared by concurrent reads, and say when`, async () => {
    const counting = jest.spyOn(engine.api.app.get(NotificationsRepository), 'stats');
    engine.setNow(DAY);
    const declared = await engine.api.post('/v1/incidents', { title: 'Ring failure', kind: 'outage', scope: { areaCodes: ['RU'] } });
    expect(declared.status).toBe(201);
    const id = declared.body.id;
    expect(declared.body.stats).toMatchObject({ affected: 5, countsAt: new Date(DAY).toISOString() });
    // Counted right after the commit: the worker may or may not have planned it by then.
    expect(counting).toHaveBeenCalledTimes(1);

    await engine.settle(); // every text and email sent
    engine.setNow('2026-11-23T08:00:04Z'); // within the window, on the service's clock
    const cached = await Promise.all([1, 2, 3, 4, 5].map(() => engine.api.get(`/v1/incidents/${id}`)));
    for (const res of cached) {
      expect(res.status).toBe(200);
      expect(res.body.stats).toEqual(declared.body.stats); // as counted at declare, although everything has gone out since
    }
    expect(counting).toHaveBeenCalledTimes(1);

    engine.setNow('2026-11-23T08:01:00Z'); // past the window
    const fresh = await Promise.all([1, 2, 3, 4, 5].map(() => engine.api.get(`/v1/incidents/${id}`)));
    expect(counting).toHaveBeenCalledTimes(2); // five concurrent reads, one count
    for (const res of fresh) {
      expect(res.body.stats.countsAt).toBe('2026-11-23T08:01:00.000Z');
      expect(res.body.stats.messages.sms.accepted).toBe(5);
      expect(res.body.stats.messages.email.accepted).toBe(5);
    }
    counting.mockRestore();
  });
});
