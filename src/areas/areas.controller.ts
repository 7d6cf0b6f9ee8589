import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { AreaDto, CreateAreaDto, PatchAreaDto } from './area.dto';
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
