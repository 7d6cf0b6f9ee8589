import { Module } from '@nestjs/common';
import { collectDefaultMetrics } from 'prom-client';
import { HealthController } from './health.controller';
import { IncidentGauges } from './incident-gauges';

collectDefaultMetrics({ prefix: 'outage_' });

@Module({ controllers: [HealthController], providers: [IncidentGauges] })
export class HealthModule {}
