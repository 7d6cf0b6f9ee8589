import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'crypto';
import { WorkerModule } from '../../src/app.modules';
import { Clock } from '../../src/common/clock';
import { JsonLogger } from '../../src/common/json-logger';
import { EMAIL_CHANNEL, SMS_CHANNEL } from '../../src/notifications/channel.port';
import { TestApi } from './api';
import { RecordingChannel } from './recording-channel';

export interface EngineOptions {
  /**
   * recording (default): the worker's channels are the recording fakes below.
   * real: the worker builds its SmsAdapter and EmailAdapter from SMSC_* / SMTP_* in the env.
   */
  channels?: 'recording' | 'real';
}

/**
 * The api and a real worker (BullMQ on real Redis, its own queue prefix) over one fresh database,
 * with recording (or real) channels and one clock for both.
 */
export class TestEngine {
  readonly sms = new RecordingChannel('sms');
  readonly email = new RecordingChannel('email');
  worker?: INestApplicationContext;
  private now = new Date();

  private constructor(
    readonly api: TestApi,
    private readonly options: EngineOptions,
  ) {}

  static async start(env: Record<string, string> = {}, options: EngineOptions = {}): Promise<TestEngine> {
    const api = await TestApi.start({ QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`, DISPATCH_INTERVAL_MS: '100', ...env });
    const engine = new TestEngine(api, options);
    engine.setNow(new Date().toISOString());
    await engine.startWorker();
    return engine;
  }

  /** Starts (again) a worker process over the same database and queues. */
  async startWorker(): Promise<void> {
    const builder = Test.createTestingModule({ imports: [WorkerModule] });
    if (this.options.channels !== 'real') {
      builder.overrideProvider(SMS_CHANNEL).useValue(this.sms).overrideProvider(EMAIL_CHANNEL).useValue(this.email);
    }
    const moduleRef = await builder.setLogger(new JsonLogger(process.env.TEST_WORKER_LOG ?? 'error')).compile();
    moduleRef.get(Clock).now = () => new Date(this.now);
    await moduleRef.init();
    this.worker = moduleRef;
  }

  async stopWorker(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
  }

  setNow(iso: string): void {
    this.now = new Date(iso);
    this.api.app.get(Clock).now = () => new Date(this.now);
    if (this.worker) this.worker.get(Clock).now = () => new Date(this.now);
  }

  /** Waits until every change is planned and nothing due now is left unsent (or the deadline passes). */
  async settle(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await this.api.db.query(
        `SELECT (SELECT count(*) FROM incidents WHERE planned_version < version)::int AS unplanned,
                (SELECT count(*) FROM notification_threads
                 WHERE state = 'due' AND send_after <= $1)::int AS pending`,
        [this.now],
      );
      if (row.unplanned === 0 && row.pending === 0) return;
      if (Date.now() > deadline) throw new Error(`engine did not settle: ${JSON.stringify(row)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.stopWorker();
    await this.api.stop();
  }
}
