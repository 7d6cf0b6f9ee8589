import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { serveConsole } from './console';
import { ApiModule } from './app.modules';
import { ApiKeysService } from './auth/api-keys.service';
import { JobQueue } from './jobs/job-queue';
import { QUEUE_BOARD_PATH, queueBoard } from './jobs/queue-board';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { JsonLogger } from './common/json-logger';
import { refuseDeepJson } from './common/json-depth';
import { refuseNul } from './common/refuse-nul.middleware';
import { requestDeadline } from './common/request-deadline.middleware';
import { securityHeaders } from './common/security-headers';
import { AppConfig, APP_CONFIG } from './config/app-config';
import { RateLimits } from './rate-limits/rate-limits.service';

/** Builds the HTTP application (used by main and by the end-to-end tests). */
export async function createApiApp(logger = new JsonLogger()): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule, { bodyParser: false, logger });
  const config = app.get<AppConfig>(APP_CONFIG);
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders({ hstsMaxAgeSeconds: config.hstsMaxAgeSeconds, docsPath: config.docsEnabled ? '/docs' : undefined }));
  // Node's requestTimeout would cut off any import longer than 300 s; ours exempts imports (see ImportsService).
  app.getHttpServer().requestTimeout = 0;
  app.use(requestDeadline(config.requestTimeoutSeconds * 1000, (req) => req.path.startsWith('/v1/imports/')));
  // JSON bodies only; imports read their CSV / NDJSON body as a stream themselves.
  app.use(express.json({ limit: config.maxJsonBody, type: ['application/json', 'application/*+json'] }));
  app.use(refuseDeepJson);
  app.use(refuseNul);
  serveConsole(app);
  const keys = app.get(ApiKeysService);
  const limits = app.get(RateLimits);
  app.use(QUEUE_BOARD_PATH, ...queueBoard(app.get(JobQueue), async (key, req) => {
    const caller = await keys.authenticate(key);
    if (!caller) await limits.consume('authFailures', req.ip ?? 'unknown');
    return caller;
  }));
  app.useGlobalFilters(new HttpExceptionFilter());

  const doc = new DocumentBuilder()
    .setTitle('Outage Notifier')
    .setDescription('Tells subscribers about network outages before they have to ask.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  if (config.docsEnabled) SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc));
  return app;
}
