import { FIGURES_STALE_MS, FIGURES_TTL_MS } from '../../src/incidents/progress.service';
import { ProgressRepository } from '../../src/incidents/progress.repository';
import { TestEngine } from '../support/engine';
import { seedTopology } from '../support/topology';
import { waitFor } from '../support/wait';

const DAY = '2026-11-23T08:00:00Z'; // 11:00 in Moscow, 15:00 in Novosibirsk, 18:00 in Vladivostok: all awake

describe('incident delivery counts', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await TestEngine.start();
    await seedTopology(engine.api);
  });
  afterAll(() => engine.stop());

  it(`should count once per ${FIGURES_TTL_MS} ms per incident for the detail and the progress, and answer older counts at once while recounting`, async () => {
    const counting = jest.spyOn(engine.api.app.get(ProgressRepository), 'counts');
    engine.setNow(DAY);
    const declared = await engine.api.post('/v1/incidents', { title: 'Ring failure', kind: 'outage', scope: { areaCodes: ['RU'] } });
    expect(declared.status).toBe(201);
    const id = declared.body.id;
    expect(declared.body.stats).toMatchObject({ affected: 5, countsAt: new Date(DAY).toISOString() });
    // Counted right after the commit: the worker may or may not have planned it by then.
    expect(counting).toHaveBeenCalledTimes(1);
    const detail = () => engine.api.get(`/v1/incidents/${id}`);

    await engine.settle(); // every text and email sent
    engine.setNow('2026-11-23T08:00:04Z'); // within the window, on the service's clock
    for (const res of await Promise.all([1, 2, 3, 4, 5].map(detail))) {
      expect(res.status).toBe(200);
      expect(res.body.stats).toEqual(declared.body.stats); // as counted at declare, although everything has gone out since
    }
    expect(counting).toHaveBeenCalledTimes(1);

    // Past the window: the counts of 08:00:00 answered at once while one recount (held here until they are answered) runs.
    engine.setNow('2026-11-23T08:00:06Z');
    const repository = engine.api.app.get(ProgressRepository);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    counting.mockImplementationOnce((...args) => held.then(() => ProgressRepository.prototype.counts.apply(repository, args)));
    for (const res of await Promise.all([1, 2, 3, 4, 5].map(detail))) expect(res.body.stats).toEqual(declared.body.stats);
    release();
    const fresh = await waitFor(async () => {
      const res = await detail();
      return res.body.stats.countsAt === '2026-11-23T08:00:06.000Z' && res.body.stats;
    }, 'the recount', 60_000);
    expect(counting).toHaveBeenCalledTimes(2); // five concurrent reads and the polling, one count
    expect(fresh.messages.sms.accepted).toBe(5);
    expect(fresh.messages.email.accepted).toBe(5);
    expect(Object.values(fresh.threads.sms as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(5);

    // The progress comes from the same count.
    const progress = await engine.api.get(`/v1/incidents/${id}/progress`);
    expect(progress.body.countsAt).toBe('2026-11-23T08:00:06.000Z');
    const sent = (channel: string) => progress.body.points
      .filter((p: { channel: string }) => p.channel === channel).reduce((n: number, p: { sent: number }) => n + p.sent, 0);
    expect([sent('sms'), sent('email')]).toEqual([5, 5]);
    expect(counting).toHaveBeenCalledTimes(2);

    // Counts older than the window and FIGURES_STALE_MS are not answered: the read waits for a recount.
    const later = new Date(Date.parse('2026-11-23T08:00:06Z') + FIGURES_TTL_MS + FIGURES_STALE_MS + 1000).toISOString();
    engine.setNow(later);
    expect((await detail()).body.stats.countsAt).toBe(later);
    expect(counting).toHaveBeenCalledTimes(3);
    counting.mockRestore();
  });
});
