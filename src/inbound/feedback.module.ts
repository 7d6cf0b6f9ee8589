import { IncidentOwnership } from '../auth/ownership';
import { Module } from '@nestjs/common';
import { FeedbackController } from './feedback.controller';
import { FeedbackRepository } from './feedback.repository';
import { FeedbackService } from './feedback.service';

/** The api's side: GET /v1/feedback for outage managers and admins. */
@Module({ controllers: [FeedbackController], providers: [IncidentOwnership, FeedbackService, FeedbackRepository] })
export class FeedbackModule {}
