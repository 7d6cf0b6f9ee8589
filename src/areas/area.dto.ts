import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CreateAreaDto {
  @ApiProperty({ example: 'RU-NSK-C' })
  code: string;

  @ApiProperty({ example: 'Novosibirsk, Centralny district' })
  name: string;

  @ApiPropertyOptional({ example: 'RU-NSK' })
  parentCode?: string;

  @ApiPropertyOptional({ example: 'Asia/Novosibirsk', description: 'IANA zone; inherited from the parent when unset' })
  timezone?: string;
}

export class PatchAreaDto {
  @ApiPropertyOptional()
  name?: string;

  @ApiPropertyOptional({ nullable: true, description: 'null makes the area a root' })
  parentCode?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'null inherits the parent zone again' })
  timezone?: string | null;
}

export class AreaDto {
  @ApiProperty() id: number;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) parentCode: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'own zone, null when inherited' }) timezone: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'own zone, else the nearest ancestor\'s' })
  effectiveTimezone: string | null;
  @ApiProperty({ type: [String], description: 'codes from the root down to this area' }) ancestors: string[];
}

export class AreaSummaryDto {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) parentCode: string | null;
  @ApiProperty({ nullable: true, type: String }) effectiveTimezone: string | null;
}

export class AreaPageDto {
  @ApiProperty({ type: [AreaSummaryDto] }) items: AreaSummaryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as ?cursor= for the next page' }) nextCursor: string | null;
}
