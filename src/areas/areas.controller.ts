import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { AreaDto, AreaPageDto, CreateAreaDto, PatchAreaDto } from './area.dto';
import { AreasService } from './areas.service';

@ApiTags('reference data')
@ApiBearerAuth()
@Controller('v1/areas')
export class AreasController {
  constructor(private readonly areas: AreasService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: AreaDto })
  create(@Body() body: CreateAreaDto): Promise<AreaDto> {
    return this.areas.create(body);
  }

  /** Type-ahead: code prefix or name fragment, paged by code. */
  @Get()
  @Roles('noc')
  @ApiOkResponse({ type: AreaPageDto })
  @ApiQuery({ name: 'q', required: false, description: 'matches the start of the code or any part of the name' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1-100, default 20' })
  search(@Query() query: Record<string, unknown>): Promise<AreaPageDto> {
    return this.areas.search(query);
  }

  @Get(':code')
  @Roles('noc')
  @ApiOkResponse({ type: AreaDto })
  get(@Param('code') code: string): Promise<AreaDto> {
    return this.areas.get(code);
  }

  @Patch(':code')
  @Roles('admin')
  @ApiOkResponse({ type: AreaDto })
  patch(@Param('code') code: string, @Body() body: PatchAreaDto): Promise<AreaDto> {
    return this.areas.patch(code, body);
  }
}
