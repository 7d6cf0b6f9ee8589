import { HandlesJob, JOB_HANDLER, JobHandler, JobHandlerMeta } from './job-handler.decorator';
import { buildHandlerTable } from './job-runner';
import { QueueName } from './queues';

const handler = (): HandlesJob => ({ handle: async () => ({ status: 'done' }) });
const entry = (queue: string, name: string, instance = handler()) => ({ meta: { queue: queue as QueueName, name }, instance });

describe(buildHandlerTable.name, () => {
  const expected = { alpha: ['FirstJob', 'SecondJob'], beta: ['ThirdJob'] };

  it('should map every queue and job name to its handler when each job has exactly one', () => {
    const first = handler();
    const third = handler();
    const sut = buildHandlerTable([entry('alpha', 'FirstJob', first), entry('alpha', 'SecondJob'), entry('beta', 'ThirdJob', third)], expected);
    expect([...sut.keys()]).toEqual(['alpha', 'beta']);
    expect([...sut.get('alpha')!.keys()]).toEqual(['FirstJob', 'SecondJob']);
    expect(sut.get('alpha')!.get('FirstJob')).toBe(first);
    expect(sut.get('beta')!.get('ThirdJob')).toBe(third);
  });

  it('should refuse to start when a listed job has no handler', () => {
    expect(() => buildHandlerTable([entry('alpha', 'FirstJob'), entry('alpha', 'SecondJob')], expected)).toThrow(
      'job beta/ThirdJob has no handler',
    );
  });

  it('should refuse to start when a job has two handlers', () => {
    const handlers = [entry('alpha', 'FirstJob'), entry('alpha', 'FirstJob'), entry('alpha', 'SecondJob'), entry('beta', 'ThirdJob')];
    expect(() => buildHandlerTable(handlers, expected)).toThrow('job alpha/FirstJob has two handlers');
  });

  it('should refuse to start when a handler is for a job that is not listed', () => {
    const handlers = [entry('alpha', 'FirstJob'), entry('alpha', 'SecondJob'), entry('beta', 'ThirdJob'), entry('beta', 'StrayJob')];
    expect(() => buildHandlerTable(handlers, expected)).toThrow('job beta/StrayJob is not listed in JOBS');
  });

  it('should check against the JOBS table in queues.ts when no table is given', () => {
    expect(() => buildHandlerTable([entry('no-such-queue', 'X')])).toThrow('is not listed in JOBS');
  });
});

describe(JobHandler.name, () => {
  it('should record the queue and the class name as the job name', () => {
    @JobHandler('some-queue' as QueueName)
    class PruneSomethingJob implements HandlesJob {
      async handle() {
        return { status: 'skipped' as const };
      }
    }
    expect(Reflect.getMetadata(JOB_HANDLER, PruneSomethingJob) as JobHandlerMeta).toEqual({
      queue: 'some-queue',
      name: 'PruneSomethingJob',
    });
  });
});
