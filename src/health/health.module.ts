import { Module } from '@nestjs/common';
import { collectDefaultMetrics } from 'prom-client';
import { HealthController } from './health.controller';

collectDefaultMetrics({ prefix: 'outage_' });

@Module({ controllers: [HealthController] })
export class HealthModule {}
