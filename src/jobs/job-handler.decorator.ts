import { SetMetadata } from '@nestjs/common';
import { QueueName } from './queues';

export const JOB_HANDLER = 'job-handler';

export interface JobHandlerMeta {
  queue: QueueName;
  name: string;
}

/** Marks a provider as the handler of one job: `@JobHandler(QUEUES.x)` on a class with `handle(data)`. */
export const JobHandler = (queue: QueueName) => (target: { name: string }) =>
  SetMetadata<string, JobHandlerMeta>(JOB_HANDLER, { queue, name: target.name })(target as never);

export interface JobResult {
  status: 'done' | 'skipped';
  [key: string]: unknown;
}

export interface HandlesJob<T = unknown> {
  handle(data: T): Promise<JobResult>;
}
