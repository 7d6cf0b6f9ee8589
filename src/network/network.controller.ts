import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { CreateNetworkElementDto, NetworkElementDto, NetworkElementPageDto, PatchNetworkElementDto } from './network-element.dto';
import { NetworkService } from './network.service';

@ApiTags('reference data')
@ApiBearerAuth()
@Controller('v1/network-elements')
export class NetworkController {
  constructor(private readonly network: NetworkService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: NetworkElementDto })
  create(@Body() body: CreateNetworkElementDto): Promise<NetworkElementDto> {
    return this.network.create(body);
  }

  /** Type-ahead: code prefix or name fragment, paged by code. */
  @Get()
  @Roles('noc')
  @ApiOkResponse({ type: NetworkElementPageDto })
  @ApiQuery({ name: 'q', required: false, description: 'matches the start of the code or any part of the name' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1-100, default 20' })
  search(@Query() query: Record<string, unknown>): Promise<NetworkElementPageDto> {
    return this.network.search(query);
  }

  @Get(':code')
  @Roles('noc')
  @ApiOkResponse({ type: NetworkElementDto })
  get(@Param('code') code: string): Promise<NetworkElementDto> {
    return this.network.get(code);
  }

  @Patch(':code')
  @Roles('admin')
  @ApiOkResponse({ type: NetworkElementDto })
  patch(@Param('code') code: string, @Body() body: PatchNetworkElementDto): Promise<NetworkElementDto> {
    return this.network.patch(code, body);
  }
}
