import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { AuditPageDto } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Who read customers' data or changed something, newest first; ids only, never the data. */
  @Get()
  @Roles('admin')
  @ApiOkResponse({ type: AuditPageDto })
  @ApiQuery({ name: 'keyId', required: false, type: Number })
  @ApiQuery({ name: 'incidentId', required: false, type: Number, description: 'rows that touched this incident' })
  @ApiQuery({ name: 'subscriberId', required: false, type: Number, description: 'rows that touched this subscriber' })
  @ApiQuery({ name: 'from', required: false, type: String, format: 'date-time', description: 'ISO 8601, inclusive' })
  @ApiQuery({ name: 'to', required: false, type: String, format: 'date-time', description: 'ISO 8601, exclusive' })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'the nextCursor of the page before' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1-1000, default 100' })
  list(@Query() query: Record<string, unknown>): Promise<AuditPageDto> {
    return this.audit.list(query);
  }
}
