import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { CurrentCaller } from '../auth/caller.decorator';
import { Caller, Roles } from '../auth/roles.decorator';
import { IdPipe } from '../common/body';
import { CallEntryDto, RecordCallDto } from './call.dto';
import { CallListEntry } from './call-list';
import { CallsService } from './calls.service';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { Audited } from '../audit/audit.interceptor';

@ApiTags('call lists')
@ApiBearerAuth()
@Controller('v1/incidents/:id')
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  /** The ranked list as the contract's array; paging and counts travel in headers. */
  @Get('call-list')
  @Roles('noc', 'manager')
  @Audited(({ result }) => ({ subscriberIds: Array.isArray(result) ? result.map((e: CallListEntry) => e.subscriberId) : [] }))
  @ApiOkResponse({ type: [CallEntryDto], description: 'headers: X-Next-Cursor, X-Total-Count, X-Pending-Count' })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'all'] })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  async list(
    @Param('id', new IdPipe()) id: number,
    @Query() query: Record<string, unknown>,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CallListEntry[]> {
    const page = await this.calls.list(id, query, caller);
    res.setHeader('X-Total-Count', String(page.total));
    res.setHeader('X-Pending-Count', String(page.pending));
    if (page.nextCursor) {
      res.setHeader('X-Next-Cursor', page.nextCursor);
      const next = new URLSearchParams({ ...(query as Record<string, string>), cursor: page.nextCursor });
      res.setHeader('Link', `</v1/incidents/${id}/call-list?${next}>; rel="next"`);
    }
    return page.items;
  }

  @Post('calls')
  @Roles('noc', 'manager')
  @Audited(({ body }) => ({ subscriberIds: [body?.subscriberId] }))
  @Idempotent()
  record(@Param('id', new IdPipe()) id: number, @Body() body: RecordCallDto, @CurrentCaller() caller: Caller) {
    return this.calls.record(id, body, caller);
  }
}
