import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { assertValid, IdPipe, readBody } from '../common/body';
import { ROLES } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import { CurrentCaller } from './caller.decorator';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto, MeDto, RevokedApiKeyDto } from './create-api-key.dto';
import { Caller, Roles } from './roles.decorator';

@ApiTags('auth')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  create(@Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const r = readBody(body);
    r.onlyKnown(['name', 'role', 'managerId']);
    const name = r.string('name', { required: true, max: 100 });
    const role = r.oneOf('role', ROLES);
    if (role === undefined && !r.has('role')) r.fail('role', 'is required');
    const managerId = body.managerId;
    if (managerId !== undefined && !(Number.isInteger(managerId) && managerId > 0 && managerId < 2 ** 31)) {
      r.fail('managerId', 'must be a positive integer');
    } else if (managerId !== undefined && role !== undefined && role !== 'manager') {
      r.fail('managerId', 'is only for manager keys');
    }
    assertValid(r);
    return this.keys.create({ name: name!, role: role!, managerId });
  }

  @Get()
  @ApiOkResponse({ type: [ApiKeyDto] })
  list(): Promise<ApiKeyDto[]> {
    return this.keys.list();
  }

  /** Revokes a key: the row stays (with revokedAt), the key is refused from then on. Repeating it changes nothing. */
  @Delete(':id')
  @ApiOkResponse({ type: RevokedApiKeyDto })
  @ApiConflictResponse({ description: 'LAST_ADMIN_KEY: the last active admin key cannot be revoked' })
  revoke(@Param('id', new IdPipe()) id: number, @CurrentCaller() caller: Caller): Promise<RevokedApiKeyDto> {
    return this.keys.revoke(id, caller);
  }
}

@ApiTags('auth')
@ApiBearerAuth()
@Controller('v1/me')
export class MeController {
  constructor(private readonly keys: ApiKeysService) {}

  /** The calling key's role (and manager), for any valid key. */
  @Get()
  @Roles('noc', 'manager')
  @ApiOkResponse({ type: MeDto })
  me(@CurrentCaller() caller: Caller): Promise<MeDto> {
    return this.keys.whoAmI(caller);
  }
}
