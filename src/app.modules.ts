import { Module } from '@nestjs/common';
import { AreasModule } from './areas/areas.module';
import { AuthModule } from './auth/auth.module';
import { CallsModule } from './calls/calls.module';
import { ClockModule } from './common/clock';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { UnsubscribeModule } from './email/unsubscribe.module';
import { HealthModule } from './health/health.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { ImportsModule } from './imports/imports.module';
import { FeedbackModule } from './inbound/feedback.module';
import { InboundModule } from './inbound/inbound.module';
import { IncidentsWorkerModule } from './incidents/incidents-worker.module';
import { IncidentsModule } from './incidents/incidents.module';
import { JobQueueModule } from './jobs/job-queue';
import { JobsModule } from './jobs/jobs.module';
import { RedisModule } from './jobs/redis.module';
import { NetworkModule } from './network/network.module';
import { DeliveryModule } from './notifications/delivery.module';
import { TemplatesModule } from './notifications/templates/templates.module';
import { RateLimitsModule } from './rate-limits/rate-limits.module';
import { RetentionWorkerModule } from './retention/retention-worker.module';
import { StaffModule } from './staff/staff.module';
import { StatusPageModule } from './status-page/status-page.module';
import { SubscribersModule } from './subscribers/subscribers.module';
import { AuditModule } from './audit/audit.module';

/** What both roles share: configuration, Redis, what the controllers' interceptors need (which Nest resolves in either role), and PostgreSQL with each role's timeouts. */
const CORE = [ConfigModule, ClockModule, RedisModule, JobQueueModule, IdempotencyModule];

/** Domain modules: their services are used by both roles; controllers only serve in the api role. */
const DOMAIN = [AreasModule, NetworkModule, SubscribersModule, StaffModule, IncidentsModule, CallsModule];

/** The HTTP role. */
@Module({ imports: [...CORE, DatabaseModule.forRole('api'), ...DOMAIN, RateLimitsModule, AuthModule, AuditModule, ImportsModule, StatusPageModule, TemplatesModule, UnsubscribeModule, FeedbackModule, HealthModule] })
export class ApiModule {}

/** The BullMQ role: job handlers live in the domain modules and are found by the JobRunner. */
@Module({ imports: [...CORE, DatabaseModule.forRole('worker'), ...DOMAIN, DeliveryModule, IncidentsWorkerModule, InboundModule, RetentionWorkerModule, JobsModule] })
export class WorkerModule {}
