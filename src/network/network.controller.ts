import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { CreateNetworkElementDto, NetworkElementDto, PatchNetworkElementDto } from './network-element.dto';
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
