import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '../auth/caller.decorator';
import { Caller, Roles } from '../auth/roles.decorator';
import { FeedbackItemDto, FeedbackPageDto } from './feedback.dto';
import { FeedbackService } from './feedback.service';
import { Audited } from '../audit/audit.interceptor';

@ApiTags('feedback')
@ApiBearerAuth()
@Controller('v1/feedback')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  /** Subscribers' free-text replies and ratings, newest first. */
  @Get()
  @Roles('manager')
  @Audited(({ result, query }) => ({
    incidentIds: [query.incidentId, ...(result?.items ?? []).map((f: FeedbackItemDto) => f.incidentId)],
    subscriberIds: (result?.items ?? []).map((f: FeedbackItemDto) => f.subscriberId),
  }))
  @ApiOkResponse({ type: FeedbackPageDto })
  @ApiQuery({ name: 'incidentId', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  list(@Query() query: Record<string, unknown>, @CurrentCaller() caller: Caller): Promise<FeedbackPageDto> {
    return this.feedback.list(query, caller);
  }
}
