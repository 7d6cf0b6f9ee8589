import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from './app.modules';
import { JsonLogger } from './common/json-logger';
import { AppConfig, APP_CONFIG, ConfigError, loadConfig } from './config/app-config';
import { createApiApp } from './http';

/** One codebase, two roles: `main api` serves HTTP, `main worker` runs the job handlers. */
async function main(role: string | undefined): Promise<void> {
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
  } else {
    logger.fatal('usage: main.js api|worker', 'Main');
    process.exit(64);
  }
}

main(process.argv[2]).catch((e) => {
  new JsonLogger().fatal(e instanceof Error ? e : String(e), 'Main');
  process.exit(1);
});
