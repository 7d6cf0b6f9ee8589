import 'reflect-metadata';
import { createServer } from 'http';
import { register } from 'prom-client';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from './app.modules';
import { createAdminKey } from './auth/create-admin-key';
import { JsonLogger } from './common/json-logger';
import { AppConfig, APP_CONFIG, ConfigError, loadConfig } from './config/app-config';
import { createApiApp } from './http';

/** The worker has no HTTP app; its counters (receipts, replies, jobs) get a bare /metrics of their own. */
function serveWorkerMetrics(port: number, logger: JsonLogger): void {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    register.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': register.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  server.listen(port, () => logger.log({ msg: 'worker metrics listening', port }, 'Main'));
  server.unref();
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
  try {
    loadConfig(); // fail fast, naming the variable, before anything connects
  } catch (e) {
    if (e instanceof ConfigError) {
      logger.fatal(e.message, 'Config');
      process.exit(78);
    }
    throw e;
  }
  if (role === 'api') {
    const app = await createApiApp(logger);
    const config = app.get<AppConfig>(APP_CONFIG);
    await app.listen(config.port);
    logger.log({ msg: 'api listening', port: config.port }, 'Main');
  } else if (role === 'worker') {
    const app = await NestFactory.createApplicationContext(WorkerModule, { logger });
    app.enableShutdownHooks();
    await app.init();
    const { workerMetricsPort } = app.get<AppConfig>(APP_CONFIG);
    if (workerMetricsPort) serveWorkerMetrics(workerMetricsPort, logger);
  } else {
    logger.fatal('usage: main.js api | worker | create-admin-key [name]', 'Main');
    process.exit(64);
  }
}

main(process.argv[2]).catch((e) => {
  new JsonLogger().fatal(e instanceof Error ? e : String(e), 'Main');
  process.exit(1);
});
