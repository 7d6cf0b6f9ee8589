import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobRunner } from './job-runner';
import { QueueMetrics } from './queue.metrics';

@Module({ imports: [DiscoveryModule], providers: [JobRunner, QueueMetrics] })
export class JobsModule {}
