import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CreateNetworkElementDto {
  @ApiProperty({ example: 'OLT-NSK-017' }) code: string;
  @ApiProperty({ example: 'OLT Lenina 17' }) name: string;
  @ApiProperty({ example: 'olt', description: 'core, aggregation, olt, dslam, cell, fibre-node …' }) kind: string;
  @ApiPropertyOptional({ example: 'AGG-NSK-2' }) parentCode?: string;
  @ApiPropertyOptional({ example: 'RU-NSK-C' }) areaCode?: string;
}

export class PatchNetworkElementDto {
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() kind?: string;
  @ApiPropertyOptional({ nullable: true }) parentCode?: string | null;
  @ApiPropertyOptional({ nullable: true }) areaCode?: string | null;
}

export class NetworkElementDto {
  @ApiProperty() id: number;
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() kind: string;
  @ApiProperty({ nullable: true, type: String }) parentCode: string | null;
  @ApiProperty({ nullable: true, type: String }) areaCode: string | null;
  @ApiProperty({ type: [String], description: 'codes from the root down to this element' }) ancestors: string[];
}

export class NetworkElementSummaryDto {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() kind: string;
  @ApiProperty({ nullable: true, type: String }) areaCode: string | null;
}

export class NetworkElementPageDto {
  @ApiProperty({ type: [NetworkElementSummaryDto] }) items: NetworkElementSummaryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as ?cursor= for the next page' }) nextCursor: string | null;
}
