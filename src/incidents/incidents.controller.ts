import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '../auth/caller.decorator';
import { Caller, Roles } from '../auth/roles.decorator';
import { IdPipe } from '../common/body';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import {
  AssignManagerDto, CancelIncidentDto, DeclareIncidentDto, IncidentDetailDto, IncidentDto, IncidentPageDto,
  PreviewDto, PreviewIncidentDto, ResolveIncidentDto, UpdateIncidentDto,
} from './incident.dto';
import { IncidentsService } from './incidents.service';
import { Audited } from '../audit/audit.interceptor';

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('v1/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Post('preview')
  @HttpCode(200)
  @Roles('noc')
  @ApiOkResponse({ type: PreviewDto })
  preview(@Body() body: PreviewIncidentDto): Promise<PreviewDto> {
    return this.incidents.preview(body);
  }

  @Post()
  @Roles('noc')
  @Audited(({ result }) => ({ incidentIds: [result?.id] }))
  @Idempotent()
  @ApiCreatedResponse({ type: IncidentDto })
  declare(@Body() body: DeclareIncidentDto, @CurrentCaller() caller: Caller): Promise<IncidentDto> {
    return this.incidents.declare(body, caller);
  }

  @Get()
  @Roles('noc', 'manager')
  @ApiOkResponse({ type: IncidentPageDto })
  @ApiQuery({ name: 'status', required: false, description: 'a status, or "open"' })
  @ApiQuery({ name: 'unassigned', required: false, type: Boolean })
  @ApiQuery({ name: 'areaCode', required: false })
  @ApiQuery({ name: 'managerId', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  list(@Query() query: Record<string, unknown>, @CurrentCaller() caller: Caller): Promise<IncidentPageDto> {
    return this.incidents.list(query, caller);
  }

  @Get(':id')
  @Roles('noc', 'manager')
  @ApiOkResponse({ type: IncidentDetailDto })
  get(@Param('id', new IdPipe()) id: number, @CurrentCaller() caller: Caller): Promise<IncidentDetailDto> {
    return this.incidents.get(id, caller);
  }

  @Post(':id/updates')
  @Idempotent()
  @HttpCode(200)
  @Roles('noc')
  @ApiOkResponse({ type: IncidentDetailDto })
  update(@Param('id', new IdPipe()) id: number, @Body() body: UpdateIncidentDto, @CurrentCaller() caller: Caller) {
    return this.incidents.update(id, body, caller);
  }

  @Post(':id/resolve')
  @Idempotent()
  @HttpCode(200)
  @Roles('noc')
  @ApiOkResponse({ type: IncidentDetailDto })
  resolve(@Param('id', new IdPipe()) id: number, @Body() body: ResolveIncidentDto, @CurrentCaller() caller: Caller) {
    return this.incidents.resolve(id, body, caller);
  }

  @Post(':id/cancel')
  @Idempotent()
  @HttpCode(200)
  @Roles('noc')
  @ApiOkResponse({ type: IncidentDetailDto })
  cancel(@Param('id', new IdPipe()) id: number, @Body() body: CancelIncidentDto, @CurrentCaller() caller: Caller) {
    return this.incidents.cancel(id, body, caller);
  }

  @Put(':id/manager')
  @Roles('noc')
  @ApiOkResponse({ type: IncidentDetailDto })
  assignManager(@Param('id', new IdPipe()) id: number, @Body() body: AssignManagerDto, @CurrentCaller() caller: Caller) {
    return this.incidents.assignManager(id, body, caller);
  }
}
