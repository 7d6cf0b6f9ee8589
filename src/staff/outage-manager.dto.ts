import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CreateOutageManagerDto {
  @ApiProperty({ example: 'Ирина Смирнова' }) name: string;
  @ApiProperty({ example: '+73832000101', description: 'direct line, printed in customer messages' }) phone: string;
  @ApiProperty({ example: 'i.smirnova@operator.example' }) email: string;
  @ApiProperty({ type: [String], example: ['RU-NSK'], description: 'areas this manager covers, with their subtrees' })
  areaCodes: string[];
  @ApiPropertyOptional({ default: true }) onDuty?: boolean;
}

export class PatchOutageManagerDto {
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() phone?: string;
  @ApiPropertyOptional() email?: string;
  @ApiPropertyOptional({ type: [String] }) areaCodes?: string[];
  @ApiPropertyOptional() onDuty?: boolean;
}

export class OutageManagerDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() phone: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: [String] }) areaCodes: string[];
  @ApiProperty() onDuty: boolean;
  @ApiProperty({ nullable: true, type: String }) lastAssignedAt: string | null;
}
