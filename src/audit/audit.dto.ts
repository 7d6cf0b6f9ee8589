import { ApiProperty } from '@nestjs/swagger';

export class AuditEntryDto {
  @ApiProperty() id: string;
  @ApiProperty() at: string;
  @ApiProperty({ description: 'the API key that made the request' }) keyId: number;
  @ApiProperty({ nullable: true, type: String }) keyName: string | null;
  @ApiProperty({ enum: ['admin', 'noc', 'manager'] }) role: string;
  @ApiProperty({ example: 'GET' }) method: string;
  @ApiProperty({ example: '/v1/incidents/:id/messages', description: 'the route, never the query or body' }) route: string;
  @ApiProperty({ description: 'the answer\'s HTTP status (403: refused as another manager\'s incident)' }) status: number;
  @ApiProperty({ type: [Number] }) incidentIds: number[];
  @ApiProperty({ type: [Number], description: 'the subscribers whose data was read or changed' }) subscriberIds: number[];
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] }) items: AuditEntryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as ?cursor= for the next page' }) nextCursor: string | null;
}
