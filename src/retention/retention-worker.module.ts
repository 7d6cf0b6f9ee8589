import { Module } from '@nestjs/common';
import { RetentionJob, RetentionScheduler } from './retention.jobs';
import { RetentionModule } from './retention.module';

/** The worker's side: the retention job and its schedule. */
@Module({ imports: [RetentionModule], providers: [RetentionJob, RetentionScheduler] })
export class RetentionWorkerModule {}
