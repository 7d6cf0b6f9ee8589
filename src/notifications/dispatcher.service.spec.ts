import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { JobQueue } from '../jobs/job-queue';
import { DispatcherService } from './dispatcher.service';
import { NotificationsRepository } from './notifications.repository';

/** A dispatcher over fakes: empty queues, and a due-probe that costs `probeMs` of (fake) time. */
function dispatcher(probe: { due: boolean; probeMs: number }) {
  const asked: string[] = [];
  const added: string[] = [];
  const repo = {
    unplannedIncidents: async () => [],
    anyDue: async (channel: string) => {
      asked.push(channel);
      jest.advanceTimersByTime(probe.probeMs);
      return probe.due;
    },
  } as unknown as NotificationsRepository;
  const jobs = {
    queue: () => ({ getJobCounts: async () => ({ waiting: 0, active: 0 }) }),
    addBulk: async (_queue: string, list: Array<{ name: string }>) => void added.push(...list.map((j) => j.name)),
    add: async () => undefined,
  } as unknown as JobQueue;
  const config = { workerConcurrency: 4, emailWorkerConcurrency: 1 } as AppConfig;
  return { sut: new DispatcherService(config, new Clock(), repo, jobs), asked, added };
}

describe('DispatcherService.tick', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('should fill each channel with due threads up to its slots', async () => {
    const { sut, added } = dispatcher({ due: true, probeMs: 1 });
    const result = await sut.tick();
    expect(result.started).toBe(5);
    expect(added.filter((n) => n === 'DeliverSmsBatchJob')).toHaveLength(4);
    expect(added.filter((n) => n === 'DeliverEmailBatchJob')).toHaveLength(1);
  });

  it('should ask again at the next tick when "nothing due" was cheap to learn', async () => {
    const { sut, asked } = dispatcher({ due: false, probeMs: 1 });
    await sut.tick();
    jest.advanceTimersByTime(1000);
    await sut.tick();
    expect(asked).toEqual(['sms', 'email', 'sms', 'email']);
  });

  it('should trust an expensive "nothing due" for 20 times its cost, but not when kicked', async () => {
    const { sut, asked } = dispatcher({ due: false, probeMs: 200 });
    await sut.tick();
    expect(asked).toEqual(['sms', 'email']);
    jest.advanceTimersByTime(1000);
    await sut.tick();
    expect(asked).toHaveLength(2);
    await sut.tick(true);
    expect(asked).toHaveLength(4);
    jest.advanceTimersByTime(4000);
    await sut.tick();
    expect(asked).toHaveLength(6);
  });

  it('should trust "nothing due" for at most 10 s however slow the question', async () => {
    // Each question takes 5 s: sms is trusted until 15 s, email (asked at 5 s) until 20 s.
    const { sut, asked } = dispatcher({ due: false, probeMs: 5000 });
    await sut.tick();
    jest.advanceTimersByTime(4000);
    await sut.tick();
    expect(asked).toHaveLength(2);
    jest.advanceTimersByTime(6000);
    await sut.tick();
    expect(asked).toHaveLength(4);
  });
});
