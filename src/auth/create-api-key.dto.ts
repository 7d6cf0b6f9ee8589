import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Role, ROLES } from './api-key.entity';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'noc-shift-1' })
  name: string;

  @ApiProperty({ enum: ROLES })
  role: Role;

  @ApiPropertyOptional({ description: 'for manager keys: the outage manager this key belongs to' })
  managerId?: number;
}

export class CreatedApiKeyDto {
  @ApiProperty()
  id: number;

  @ApiProperty({ description: 'shown once; only its hash is stored' })
  key: string;
}

export class RevokedApiKeyDto {
  @ApiProperty()
  id: number;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: ROLES })
  role: Role;

  @ApiProperty({ description: 'when the key was revoked (the first time, if revoked again)' })
  revokedAt: string;
}

export class ApiKeyDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ nullable: true, type: Number }) managerId: number | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) lastUsedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) revokedAt: string | null;
}

export class MeManagerDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
}

export class MeDto {
  @ApiProperty() keyId: number;
  @ApiProperty({ description: 'the key\'s name' }) name: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ type: MeManagerDto, nullable: true, description: 'for manager keys: the outage manager it belongs to' })
  manager: MeManagerDto | null;
}
