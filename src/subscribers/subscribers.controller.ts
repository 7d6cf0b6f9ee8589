import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { IdPipe } from '../common/body';
import { CreateSubscriberDto, PatchSubscriberDto, SubscriberDto } from './subscriber.dto';
import { SubscribersService } from './subscribers.service';

@ApiTags('reference data')
@ApiBearerAuth()
@Controller('v1/subscribers')
export class SubscribersController {
  constructor(private readonly subscribers: SubscribersService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: SubscriberDto })
  create(@Body() body: CreateSubscriberDto): Promise<SubscriberDto> {
    return this.subscribers.create(body);
  }

  @Get(':id')
  @Roles('noc')
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
}
