import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { IdPipe } from '../common/body';
import { CreateOutageManagerDto, OutageManagerDto, PatchOutageManagerDto } from './outage-manager.dto';
import { StaffService } from './staff.service';

@ApiTags('reference data')
@ApiBearerAuth()
@Controller('v1/outage-managers')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: OutageManagerDto })
  create(@Body() body: CreateOutageManagerDto): Promise<OutageManagerDto> {
    return this.staff.create(body);
  }

  @Get()
  @Roles('noc', 'manager')
  @ApiOkResponse({ type: [OutageManagerDto] })
  list(): Promise<OutageManagerDto[]> {
    return this.staff.list();
  }

  @Get(':id')
  @Roles('noc', 'manager')
  @ApiOkResponse({ type: OutageManagerDto })
  get(@Param('id', new IdPipe()) id: number): Promise<OutageManagerDto> {
    return this.staff.get(id);
  }

  /** Admins and NOC change duty; going off duty flags the manager's open incidents for reassignment. */
  @Patch(':id')
  @Roles('noc')
  @ApiOkResponse({ type: OutageManagerDto })
  patch(@Param('id', new IdPipe()) id: number, @Body() body: PatchOutageManagerDto): Promise<OutageManagerDto> {
    return this.staff.patch(id, body);
  }
}
