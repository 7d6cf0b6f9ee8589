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
