import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '../auth/caller.decorator';
import { IncidentOwnership } from '../auth/ownership';
import { Caller, Roles } from '../auth/roles.decorator';
import { assertValid, IdPipe } from '../common/body';
import { FieldReader } from '../common/validation';
import { NotificationsRepository } from './notifications.repository';
import { Audited } from '../audit/audit.interceptor';

const MESSAGE_STATES = ['sending', 'accepted', 'delivered', 'failed', 'expired', 'undeliverable', 'rejected'] as const;

@ApiTags('messages')
@ApiBearerAuth()
@Controller('v1')
export class MessagesController {
  constructor(
    private readonly repo: NotificationsRepository,
    private readonly ownership: IncidentOwnership,
  ) {}

  /** A manager key reads only the messages of incidents it manages (403 for another's). */
  @Get('incidents/:id/messages')
  @Roles('noc', 'manager')
  @Audited(({ result }) => ({ subscriberIds: result?.items?.map((m: { subscriberId: number }) => m.subscriberId) }))
  @ApiQuery({ name: 'state', required: false, enum: MESSAGE_STATES })
  @ApiQuery({ name: 'channel', required: false, enum: ['sms', 'email'] })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  async forIncident(@Param('id', new IdPipe()) id: number, @Query() query: Record<string, unknown>, @CurrentCaller() caller: Caller) {
    await this.ownership.assertMayRead(caller, id);
    return this.page({ incidentId: id }, query);
  }

  /** Every message sent to this subscriber, newest first. */
  @Get('subscribers/:id/messages')
  @Roles('noc')
  @Audited(({ result }) => ({ incidentIds: result?.items?.map((m: { incidentId: number }) => m.incidentId) }))
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  forSubscriber(@Param('id', new IdPipe()) id: number, @Query() query: Record<string, unknown>) {
    return this.page({ subscriberId: id }, query);
  }

  private async page(filter: { incidentId?: number; subscriberId?: number }, query: Record<string, unknown>) {
    const r = new FieldReader(query);
    r.onlyKnown(['state', 'channel', 'cursor', 'limit']);
    const state = r.oneOf('state', MESSAGE_STATES);
    const channel = r.oneOf('channel', ['sms', 'email'] as const);
    const beforeId = r.positiveInt('cursor');
    const limit = Math.min(r.positiveInt('limit') ?? 50, 500);
    assertValid(r);
    const items = await this.repo.messages({ ...filter, state, channel, beforeId, limit });
    return { items, nextCursor: items.length === limit ? String(items[items.length - 1].id) : null };
  }
}
