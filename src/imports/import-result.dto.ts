import { ApiProperty } from '@nestjs/swagger';

export class ImportResultDto {
  @ApiProperty({ description: 'rows that did not exist before' }) inserted: number;
  @ApiProperty({ description: 'existing rows whose values changed' }) updated: number;
  @ApiProperty({ description: 'existing rows the file repeated unchanged' }) unchanged: number;
}
