import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { IdPipe } from '../common/body';
import { RetentionService } from '../retention/retention.service';
import { CreateSubscriberDto, ErasedSubscriberDto, PatchSubscriberDto, SubscriberDto, SubscriberPageDto } from './subscriber.dto';
import { SubscribersService } from './subscribers.service';
import { Audited } from '../audit/audit.interceptor';

@ApiTags('reference data')
@ApiBearerAuth()
@Controller('v1/subscribers')
export class SubscribersController {
  constructor(
    private readonly subscribers: SubscribersService,
    private readonly retention: RetentionService,
  ) {}

  @Post()
  @Roles('admin')
  @Audited(({ result }) => ({ subscriberIds: [result?.id] }))
  @ApiCreatedResponse({ type: SubscriberDto })
  create(@Body() body: CreateSubscriberDto): Promise<SubscriberDto> {
    return this.subscribers.create(body);
  }

  /** Find a customer: external id or phone (E.164) prefix, or a name fragment; paged by id. */
  @Get()
  @Roles('noc')
  @Audited(({ result }) => ({ subscriberIds: result?.items?.map((s: { id: number }) => s.id) }))
  @ApiOkResponse({ type: SubscriberPageDto })
  @ApiQuery({ name: 'q', required: false, description: 'start of the external id or phone (+7913…, spaces allowed), or any part of the name' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1-100, default 20' })
  search(@Query() query: Record<string, unknown>): Promise<SubscriberPageDto> {
    return this.subscribers.search(query);
  }

  @Get(':id')
  @Roles('noc')
  @Audited()
  @ApiOkResponse({ type: SubscriberDto })
  get(@Param('id', new IdPipe()) id: number): Promise<SubscriberDto> {
    return this.subscribers.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: SubscriberDto })
  patch(@Param('id', new IdPipe()) id: number, @Body() body: PatchSubscriberDto): Promise<SubscriberDto> {
    return this.subscribers.patch(id, body);
  }

  /**
   * Erases the person everywhere: their contacts, name and external id, what was sent to them, their
   * replies, call notes and quarantined texts from their number. Counts and states stay; repeating
   * it answers the same; afterwards the subscriber is a 404 and is affected by no incident.
   */
  @Delete(':id')
  @Roles('admin')
  @ApiOkResponse({ type: ErasedSubscriberDto })
  erase(@Param('id', new IdPipe()) id: number): Promise<ErasedSubscriberDto> {
    return this.retention.erase(id);
  }
}
