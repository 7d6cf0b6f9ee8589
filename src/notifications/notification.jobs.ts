import { Injectable } from '@nestjs/common';
import { HandlesJob, JobHandler, JobResult } from '../jobs/job-handler.decorator';
import { QUEUES } from '../jobs/queues';
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
export class DispatchJob implements HandlesJob {
  constructor(private readonly dispatcher: DispatcherService) {}

  handle(): Promise<JobResult> {
    return this.dispatcher.tick();
  }
}

@Injectable()
@JobHandler(QUEUES.deliveries)
export class DeliverBatchJob implements HandlesJob<{ claimId: string }> {
  constructor(private readonly delivery: DeliveryService, private readonly dispatcher: DispatcherService) {}

  async handle({ claimId }: { claimId: string }): Promise<JobResult> {
    const result = await this.delivery.deliver(claimId);
    // A batch done makes room in the queue: refill it now rather than at the next tick.
    if (result.status === 'done') await this.dispatcher.kick();
    return result;
  }
}
