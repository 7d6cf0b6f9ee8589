import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '../auth/caller.decorator';
import { Caller, Roles } from '../auth/roles.decorator';
import { bodyObject, IdPipe } from '../common/body';
import { DomainError } from '../common/errors';
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

  /**
   * Admins change anything; NOC changes duty only (going off duty flags the manager's open
   * incidents for reassignment). A manager's phone is printed in customer messages, so who
   * may change it stays with admin, as API.md's role matrix says.
   */
  @Patch(':id')
  @Roles('noc')
  @ApiOkResponse({ type: OutageManagerDto })
  patch(
    @Param('id', new IdPipe()) id: number,
    @Body() body: PatchOutageManagerDto,
    @CurrentCaller() caller: Caller,
  ): Promise<OutageManagerDto> {
    const fields = Object.keys(bodyObject(body));
    if (caller.role !== 'admin' && fields.some((f) => f !== 'onDuty')) {
      throw new DomainError('FORBIDDEN', `a ${caller.role} key may change only onDuty`, 403);
    }
    return this.staff.patch(id, body, caller.name);
  }
}
