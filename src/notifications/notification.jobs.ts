import { Injectable } from '@nestjs/common';
import { HandlesJob, JobHandler, JobResult } from '../jobs/job-handler.decorator';
import { QUEUES } from '../jobs/queues';
import { ChannelName } from './channel.port';
import { DeliveryService } from './delivery.service';
import { DispatcherService } from './dispatcher.service';
import { PlannerService } from './planner.service';

@Injectable()
@JobHandler(QUEUES.notifications)
export class PlanIncidentJob implements HandlesJob<{ incidentId: number }> {
  constructor(private readonly planner: PlannerService, private readonly dispatcher: DispatcherService) {}

  async handle({ incidentId }: { incidentId: number }): Promise<JobResult> {
    const result = await this.planner.plan(incidentId, () => this.dispatcher.kick());
    if (result.status === 'done') await this.dispatcher.kick();
    return result;
  }
}

@Injectable()
@JobHandler(QUEUES.notifications)
export class DispatchJob implements HandlesJob<{ kicked?: boolean }> {
  constructor(private readonly dispatcher: DispatcherService) {}

  handle(data: { kicked?: boolean }): Promise<JobResult> {
    return this.dispatcher.tick(data?.kicked === true);
  }
}

/** Sends one batch of the channel's due threads; a full batch means more may be due, so it starts the next job. */
@Injectable()
abstract class DeliverBatch implements HandlesJob {
  protected abstract readonly channel: ChannelName;

  constructor(private readonly delivery: DeliveryService, private readonly dispatcher: DispatcherService) {}

  async handle(): Promise<JobResult> {
    const result = await this.delivery.deliver(this.channel);
    if (result.status === 'done' && result.threads >= this.delivery.batchSize) await this.dispatcher.startLane(this.channel, 1);
    return result;
  }
}

@Injectable()
@JobHandler(QUEUES.smsDeliveries)
export class DeliverSmsBatchJob extends DeliverBatch {
  protected readonly channel = 'sms';
}

@Injectable()
@JobHandler(QUEUES.emailDeliveries)
export class DeliverEmailBatchJob extends DeliverBatch {
  protected readonly channel = 'email';
}
