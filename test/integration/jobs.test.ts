import { BeforeApplicationShutdown, Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test, TestingModule } from '@nestjs/testing';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, Queue, QueueEvents } from 'bullmq';
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { join } from 'path';
import { DataSource } from 'typeorm';
import { WorkerModule } from '../../src/app.modules';
import { JsonLogger } from '../../src/common/json-logger';
import { APP_CONFIG } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { HandlesJob, JobHandler, JobResult } from '../../src/jobs/job-handler.decorator';
import { EXPECTED_JOBS, JobRunner } from '../../src/jobs/job-runner';
import { QueueName } from '../../src/jobs/queues';
import { closeRedis, RedisClient, redisConnection } from '../../src/jobs/redis';
import { RedisModule } from '../../src/jobs/redis.module';
import { freshDatabase, TestDatabase } from '../support/db';
import { cpuSeconds } from '../support/processes';

// A queue of this run only, so parallel runs on one Redis do not take each other's jobs.
const TEST_QUEUE = `test-jobs-${randomBytes(4).toString('hex')}` as QueueName;
const PREFIX = `test-${randomBytes(4).toString('hex')}`;
process.env.QUEUE_PREFIX = PREFIX;

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Test-only handlers: one answers at once, one waits at a gate the test opens. */
const slow = { started: deferred(), gate: deferred(), events: [] as string[] };

@Injectable()
@JobHandler(TEST_QUEUE)
class EchoTestJob implements HandlesJob<{ value: string }> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async handle(data: { value: string }): Promise<JobResult> {
    const [row] = await this.db.query(`SELECT current_database() AS db`);
    return { status: 'done', echoed: data.value, db: row.db };
  }
}

@Injectable()
@JobHandler(TEST_QUEUE)
class SlowTestJob implements HandlesJob {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async handle(): Promise<JobResult> {
    slow.started.resolve();
    await slow.gate.promise;
    // Still needs PostgreSQL after shutdown began: the pool must outlive in-flight jobs.
    const [row] = await this.db.query(`SELECT 42 AS answer`);
    slow.events.push('job finished');
    return { status: 'done', answer: row.answer };
  }
}

/** Opens the gate once shutdown has begun: a runner that did not wait for it would lose the job. */
@Injectable()
class OpenGateOnShutdown implements BeforeApplicationShutdown {
  beforeApplicationShutdown(): void {
    slow.events.push('shutdown began');
    slow.gate.resolve();
  }
}

const CORE = [ConfigModule, DatabaseModule.forRole('worker'), RedisModule, DiscoveryModule];

@Module({
  imports: CORE,
  providers: [
    JobRunner,
    EchoTestJob,
    SlowTestJob,
    OpenGateOnShutdown,
    { provide: EXPECTED_JOBS, useValue: { [TEST_QUEUE]: ['EchoTestJob', 'SlowTestJob'] } },
  ],
})
class TestWorkerModule {}

/** The module compiled but not started: `init()` runs the start-up checks and starts the workers. */
function compile(module: new () => unknown): Promise<TestingModule> {
  return Test.createTestingModule({ imports: [module] }).setLogger(new JsonLogger('fatal')).compile();
}

async function start(module: new () => unknown): Promise<TestingModule> {
  return (await compile(module)).init();
}

describe(JobRunner.name, () => {
  let database: TestDatabase;
  let queue: Queue;
  let events: QueueEvents;
  const redisUrl = () => process.env.REDIS_URL!;

  const connections: RedisClient[] = [];
  const connect = () => {
    const c = redisConnection(redisUrl());
    connections.push(c);
    return c;
  };

  beforeAll(async () => {
    database = await freshDatabase();
    process.env.DATABASE_URL = database.url;
    queue = new Queue(TEST_QUEUE, { connection: connect(), prefix: PREFIX });
    events = new QueueEvents(TEST_QUEUE, { connection: connect(), prefix: PREFIX });
    await events.waitUntilReady();
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await events.close();
    await queue.close();
    await Promise.all(connections.map((c) => closeRedis(c))); // BullMQ leaves connections it was given open
    await database.drop();
  });

  it('should run a job with its registered handler against real Redis and PostgreSQL', async () => {
    const sut = await start(TestWorkerModule);
    try {
      const job = await queue.add('EchoTestJob', { value: 'hello' });
      const result = await job.waitUntilFinished(events, 15_000);
      expect(result).toEqual({ status: 'done', echoed: 'hello', db: database.name });
    } finally {
      await sut.close();
    }
  });

  it('should leave the jobs of a queue WORKER_QUEUES does not list to other workers', async () => {
    process.env.WORKER_QUEUES = 'deliveries-email';
    const sut = await start(TestWorkerModule).finally(() => delete process.env.WORKER_QUEUES);
    try {
      const job = await queue.add('EchoTestJob', { value: 'not mine' });
      expect(await queue.getWorkersCount()).toBe(0); // nobody listens on this queue
      expect(await job.getState()).toBe('waiting');
    } finally {
      await sut.close();
    }
    const other = await start(TestWorkerModule); // a worker taking every queue picks it up
    try {
      const [job] = await queue.getJobs(['waiting', 'active', 'completed']);
      expect(await job.waitUntilFinished(events, 15_000)).toEqual({ status: 'done', echoed: 'not mine', db: database.name });
    } finally {
      await other.close();
    }
  });

  it('should fail a job whose name has no handler and keep it for inspection', async () => {
    const sut = await start(TestWorkerModule);
    try {
      const job = await queue.add('NoSuchJob', {}, { attempts: 1 });
      await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow(`no handler for ${TEST_QUEUE}/NoSuchJob`);
      expect(await (await Job.fromId(queue, job.id!))!.getState()).toBe('failed');
    } finally {
      await sut.close();
    }
  });

  it('should let an in-flight job finish, using the database, before shutdown completes', async () => {
    const sut = await start(TestWorkerModule);
    slow.events.length = 0;
    const job = await queue.add('SlowTestJob', {});
    await slow.started.promise;
    await sut.close().then(() => slow.events.push('closed'));

    expect(slow.events).toEqual(['shutdown began', 'job finished', 'closed']);
    const finished = (await Job.fromId(queue, job.id!))!;
    expect(await finished.getState()).toBe('completed');
    expect(finished.returnvalue).toEqual({ status: 'done', answer: 42 });
  });

  // Nothing here opens a connection: the runner refuses before it starts any worker.
  const handlerClass = () => {
    @Injectable()
    @JobHandler(TEST_QUEUE)
    class PlainTestJob implements HandlesJob {
      async handle(): Promise<JobResult> {
        return { status: 'skipped' };
      }
    }
    return PlainTestJob;
  };
  const runnerModule = (handlers: Array<new () => HandlesJob>, expected: string[]) => {
    @Module({
      imports: [DiscoveryModule],
      providers: [
        JobRunner,
        ...handlers,
        { provide: APP_CONFIG, useValue: { redis: { mode: 'single', url: redisUrl() }, workerConcurrency: 1 } },
        { provide: EXPECTED_JOBS, useValue: { [TEST_QUEUE]: expected } },
      ],
    })
    class RunnerModule {}
    return RunnerModule;
  };

  it('should refuse to start when a listed job has no handler', async () => {
    const sut = await compile(runnerModule([handlerClass()], ['PlainTestJob', 'MissingJob']));
    await expect(sut.init()).rejects.toThrow(`job ${TEST_QUEUE}/MissingJob has no handler`);
  });

  it('should refuse to start when a job has two handlers', async () => {
    const sut = await compile(runnerModule([handlerClass(), handlerClass()], ['PlainTestJob']));
    await expect(sut.init()).rejects.toThrow(`job ${TEST_QUEUE}/PlainTestJob has two handlers`);
  });

  it('should refuse to start when a handler is for a job that is not listed', async () => {
    const sut = await compile(runnerModule([handlerClass()], []));
    await expect(sut.init()).rejects.toThrow(`job ${TEST_QUEUE}/PlainTestJob is not listed in JOBS`);
  });

  it('should start the real worker module when every job in JOBS has exactly one handler', async () => {
    const sut = await compile(WorkerModule);
    await expect(sut.init()).resolves.toBe(sut);
    await sut.close();
  });

  /**
   * Runs `script` (JavaScript, from the repository's root, with ts-node) in a child process and
   * waits for it to exit by itself once it printed `closed`: a spinning event loop never exits, a
   * timer or socket left open keeps it alive. Unref'd, the "still alive" timer fires only in a
   * process that something else holds; a deadline ends one that spins.
   */
  async function runToExit(script: string, env: Record<string, string>) {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', `${script}
      .then(() => { console.log('closed'); setTimeout(() => console.log('still alive'), 20_000).unref(); },
            (err) => { console.error(err); process.exit(1); });`], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, CHANNELS: 'noop', LOG_LEVEL: 'error', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const deadline = new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 150_000).unref());
    const code = await Promise.race([exited, deadline]);
    if (code === 'running') {
      const cpuBefore = cpuSeconds(child.pid!);
      await new Promise((r) => setTimeout(r, 1000));
      const busy = cpuSeconds(child.pid!) - cpuBefore;
      child.kill('SIGKILL');
      throw new Error(`the child was still running after ${output.includes('closed') ? 'closing' : 'starting'}, ${Math.round(busy * 100)} % of a core busy`);
    }
    return { code, output };
  }

  it('should let a worker process exit at once when it is closed right after it started', async () => {
    // BullMQ's stalled-job checker used to begin a 30 s sleep after close() and hold the process.
    const { code, output } = await runToExit(`
      const { NestFactory } = require('@nestjs/core');
      const { WorkerModule } = require('./src/app.modules');
      NestFactory.createApplicationContext(WorkerModule, { logger: false }).then((app) => app.close())`, {});
    expect(code).toBe(0);
    expect(output).toBe('closed\n');
  }, 180_000); // past runToExit's own deadline, which says what the child was doing

  it('should close workers and queues while job-scheduler ticks are in flight, and leave nothing running', async () => {
    // A scheduler tick every 50 ms, the worker closed at random moments: closing its connection
    // under a fetch in flight made BullMQ retry the scheduler's next run on the closed connection
    // with no pause, a loop that held a core and never let the process exit.
    const { code, output } = await runToExit(`
      const { NestFactory } = require('@nestjs/core');
      const { WorkerModule } = require('./src/app.modules');
      (async () => {
        for (let i = 0; i < 8; i++) {
          const app = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
          await new Promise((r) => setTimeout(r, 30 + Math.random() * 400));
          await app.close();
        }
      })()`, { DISPATCH_INTERVAL_MS: '50', QUEUE_PREFIX: `${PREFIX}-ticks` });
    expect(code).toBe(0);
    expect(output).toBe('closed\n');
  }, 180_000);
});
