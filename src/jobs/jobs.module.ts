import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobRunner } from './job-runner';

@Module({ imports: [DiscoveryModule], providers: [JobRunner] })
export class JobsModule {}
