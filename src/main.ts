import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { createServer } from 'http';
import { register } from 'prom-client';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from './app.modules';
import { createAdminKey } from './auth/create-admin-key';
import { JsonLogger } from './common/json-logger';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { createApiApp } from './http';

/**
 * The worker has no HTTP app; its metrics (delivery, channels, queues, receipts, replies) get a
 * bare /metrics of their own. A port already taken (another worker on the machine) costs the
 * metrics, not the worker: it says so and goes on.
 */
function serveWorkerMetrics(port: number, logger: JsonLogger): void {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    register.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': register.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  server.on('error', (err) => logger.warn({ msg: 'worker metrics not served', port, err: err.message }, 'Main'));
  server.listen(port, () => logger.log({ msg: 'worker metrics listening', port }, 'Main'));
  server.unref();
}

/** Beyond the grace period for running jobs, what closing the rest (pools, sessions, Redis) may take. */
const CLOSE_SLACK_SECONDS = 4;

/** Set once a signal has asked the process to stop. */
let stopping = false;

/**
 * While stopping, a command still pending on a Redis connection the shutdown closes (with Redis
 * hung, a BullMQ worker that could not close leaves some of its own without a handler) rejects
 * with ioredis's "Connection is closed.": an expected consequence of the stop, not a crash.
 */
function cutOffByStop(err: unknown): boolean {
  return stopping && err instanceof Error && err.message === 'Connection is closed.';
}

/**
 * SIGTERM / SIGINT close the app (running jobs get SHUTDOWN_GRACE_SECONDS), then the process exits,
 * whatever its dependencies are doing: an unreachable Redis, PostgreSQL, SMSC or relay can make a
 * close wait forever, so a deadline ends the process after the grace period plus a few seconds.
 * Listening starts before the app is built: a signal while it starts (the worker's start-up hooks
 * wait on Redis and PostgreSQL) is a stop like any other, not Node's default death without a word.
 */
function stopOnSignals(app: Promise<INestApplicationContext>, graceSeconds: number, logger: JsonLogger): void {
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    logger.log({ msg: 'stopping', signal, graceSeconds }, 'Main');
    const deadline = setTimeout(() => {
      logger.error({ msg: 'still closing at the shutdown deadline; exiting', seconds: graceSeconds + CLOSE_SLACK_SECONDS }, 'Main');
      process.exit(1);
    }, (graceSeconds + CLOSE_SLACK_SECONDS) * 1000);
    app.then((a) => a.close()).then(
      () => {
        clearTimeout(deadline);
        logger.log({ msg: 'stopped', signal }, 'Main');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ msg: 'error while stopping', err }, 'Main');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** One codebase, two roles: `main api` serves HTTP, `main worker` runs the job handlers; and one command. */
async function main(role: string | undefined): Promise<void> {
  if (role === 'create-admin-key') {
    // The key goes to stdout alone, so it can be captured; everything else to stderr.
    try {
      const { id, key } = await createAdminKey(process.argv.slice(3));
      process.stderr.write(`admin key ${id} created; it is shown once, keep it:\n`);
      process.stdout.write(`${key}\n`);
    } catch (e) {
      process.stderr.write(`create-admin-key: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    }
    return;
  }
  process.env.ROLE = role;
  const logger = new JsonLogger();
  // Whatever ends the process is told as one JSON line, like everything else it writes; Node's own
  // warnings too, instead of its multi-line text on stderr.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn({ msg: 'node warning', name: warning.name, warning: warning.message }, 'Main'));
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (err: unknown) => {
      if (event === 'unhandledRejection' && cutOffByStop(err)) {
        logger.warn({ msg: 'a Redis command was cut off by the stop', err: (err as Error).message }, 'Main');
        return;
      }
      logger.fatal({ msg: event, err }, 'Main');
      process.exit(1);
    });
  }
  if (role !== 'api' && role !== 'worker') {
    logger.fatal('usage: main.js api | worker | create-admin-key [name]', 'Main');
    process.exit(64);
  }
  let config: AppConfig;
  try {
    config = loadConfig(); // fail fast, naming the variable, before anything connects
  } catch (e) {
    if (e instanceof ConfigError) {
      logger.fatal(e.message, 'Config');
      process.exit(78);
    }
    throw e;
  }
  if (role === 'api') {
    const starting = createApiApp(logger);
    stopOnSignals(starting, config.shutdownGraceSeconds, logger);
    await (await starting).listen(config.port);
    logger.log({ msg: 'api listening', port: config.port }, 'Main');
  } else {
    // Resolves once every start-up hook has run.
    const starting = NestFactory.createApplicationContext(WorkerModule, { logger });
    stopOnSignals(starting, config.shutdownGraceSeconds, logger);
    await starting;
    if (config.workerMetricsPort) serveWorkerMetrics(config.workerMetricsPort, logger);
  }
}

main(process.argv[2]).catch((e) => {
  new JsonLogger().fatal(e instanceof Error ? e : String(e), 'Main');
  process.exit(1);
});
