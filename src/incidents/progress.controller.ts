import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentCaller } from '../auth/caller.decorator';
import { Caller, Roles } from '../auth/roles.decorator';
import { IdPipe } from '../common/body';
import { IncidentProgressDto } from './progress.dto';
import { ProgressService } from './progress.service';

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('v1/incidents/:id/progress')
export class ProgressController {
  constructor(private readonly progress: ProgressService) {}

  /** Delivery counts over time per channel and the "waiting for morning" histogram (counted with the detail's, see ProgressService). */
  @Get()
  @Roles('noc', 'manager')
  @ApiOkResponse({ type: IncidentProgressDto })
  get(@Param('id', new IdPipe()) id: number, @CurrentCaller() caller: Caller): Promise<IncidentProgressDto> {
    return this.progress.get(id, caller);
  }
}
