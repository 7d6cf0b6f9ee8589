import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'crypto';
import { WorkerModule } from '../../src/app.modules';
import { Clock } from '../../src/common/clock';
import { JsonLogger } from '../../src/common/json-logger';
import { EMAIL_CHANNEL } from '../../src/notifications/channel.port';
import { SmscSimulator, SmscSimulatorOptions, startSmscSimulator } from '../../src/peers/smsc-simulator/smsc-simulator';
import { TestApi } from './api';
import { RecordingChannel } from './recording-channel';
import { seedTopology, SubscriberKey } from './topology';
import { Probe, waitFor } from './wait';

/**
 * Over real TCP, with the worker, the simulator and the test sharing one process on a loaded
 * machine: a longer deadline than in-process tests.
 */
export const waitOverSmpp = <T>(probe: Probe<T>, what: string): Promise<T> => waitFor(probe, what, 30_000);

export interface SmppStack {
  sim: SmscSimulator;
  api: TestApi;
  worker: INestApplicationContext;
  ids: Record<SubscriberKey, number>;
  stop(): Promise<void>;
}

export interface SmppStackOptions {
  /** The simulator's options beyond the credentials (receipts, throttling …). */
  sim?: SmscSimulatorOptions;
  /** More environment for the api and the worker. */
  env?: Record<string, string>;
  /** Fix the api's clock at `now` too (the worker's always is). */
  apiClock?: boolean;
}

/**
 * A worker whose SMS channel is the real SMPP adapter (to the SMSC of the environment the api set,
 * SMSC_PORT and all), its email channel recorded and its clock fixed at `now`; `onStarted` gets its
 * close before it binds, so a failed start is closed too. `env`: this worker's own settings
 * (WORKER_QUEUES …) over the api's.
 */
export async function startSmppWorker(
  now: string | Date,
  onStarted: (close: () => Promise<void>) => void,
  env: Record<string, string> = {},
): Promise<INestApplicationContext> {
  // Its configuration is read from the environment as it is built: `env` is set for that, then put back.
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const worker = await Test.createTestingModule({ imports: [WorkerModule] })
    .overrideProvider(EMAIL_CHANNEL)
    .useValue(new RecordingChannel('email'))
    .setLogger(new JsonLogger(process.env.TEST_WORKER_LOG ?? 'error'))
    .compile()
    .finally(() => {
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
  worker.get(Clock).now = () => new Date(now);
  onStarted(() => worker.close());
  await worker.init();
  return worker;
}

/**
 * The api, and a worker whose SMS channel is the real SMPP adapter bound to an SMSC simulator in
 * this process (its email channel recorded, its clock fixed at `now`), over the seeded topology.
 * Resolves once the worker has bound; `stop` closes all three, as does a failure on the way.
 */
export async function startSmppStack(now: string | Date, opts: SmppStackOptions = {}): Promise<SmppStack> {
  const started: Array<() => Promise<void>> = [];
  const stop = async () => {
    while (started.length > 0) await started.pop()!();
  };
  try {
    const sim = await startSmscSimulator({ systemId: 'outage', password: 'secret', ...opts.sim });
    started.push(() => sim.stop());
    const api = await TestApi.start({
      QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      SMSC_HOST: '127.0.0.1', SMSC_PORT: String(sim.smppPort), SMSC_SYSTEM_ID: 'outage', SMSC_PASSWORD: 'secret', SMSC_MAX_RATE: '0',
      ...opts.env,
    });
    started.push(() => api.stop());
    if (opts.apiClock) api.setNow(new Date(now).toISOString());
    const worker = await startSmppWorker(now, (close) => started.push(close));
    const ids = await seedTopology(api);
    await waitOverSmpp(async () => (sim.stats().bound.transceiver ?? 0) + (sim.stats().bound.transmitter ?? 0) > 0, 'the worker to bind');
    return { sim, api, worker, ids, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
