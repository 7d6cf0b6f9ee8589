import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OUTCOMES } from './calls.service';

export class RecordCallDto {
  @ApiProperty() subscriberId: number;
  @ApiProperty({ enum: OUTCOMES }) outcome: string;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional({ description: 'required with callback_requested: when the customer wants the call' })
  callbackAt?: string;
}

export class CallEntryDto {
  @ApiProperty() subscriberId: number;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty() tier: string;
  @ApiProperty({ type: [String] }) flags: string[];
  @ApiProperty({ description: 'why this customer is on the list' }) reason: string;
  @ApiProperty({ type: [String] }) reasons: string[];
  @ApiProperty({ description: 'now, or the end of their quiet hours in their own zone (or the callback time)' })
  callableFrom: string;
  @ApiProperty() callableNow: boolean;
  @ApiProperty() timezone: string;
  @ApiProperty({ nullable: true, enum: OUTCOMES }) outcome: string | null;
  @ApiProperty({ nullable: true, type: String }) callbackAt: string | null;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String }) lastCalledAt: string | null;
}
