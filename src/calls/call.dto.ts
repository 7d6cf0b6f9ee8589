import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REASON_CODES } from './call-list';
import { OUTCOMES } from './calls.service';

export class RecordCallDto {
  @ApiProperty() subscriberId: number;
  @ApiProperty({ enum: OUTCOMES }) outcome: string;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional({ description: 'required with callback_requested: when the customer wants the call' })
  callbackAt?: string;
}

/** One reason a customer is on the list: a code, and the fields that code carries. */
export class CallReasonDto {
  @ApiProperty({ enum: REASON_CODES }) code: string;
  @ApiPropertyOptional({ type: [String], description: 'flagged: the subscriber flags that put them on the list' }) flags?: string[];
  @ApiPropertyOptional({ description: 'repeat_incidents: how many incidents hit them, this one among them' }) count?: number;
  @ApiPropertyOptional({ description: 'repeat_incidents: within how many days' }) days?: number;
  @ApiPropertyOptional({ enum: ['sms', 'email'], description: 'undelivered: which channel refused the message' }) channel?: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'undelivered: what the channel said' }) error?: string | null;
  @ApiPropertyOptional({ description: 'undelivered: given up after this many attempts' }) attempts?: number;
  @ApiPropertyOptional({ description: 'other: a reason stored in English before reasons had codes' }) text?: string;
}

export class CallEntryDto {
  @ApiProperty() subscriberId: number;
  @ApiProperty({ description: 'empty when the customer was erased' }) name: string;
  @ApiProperty({ description: 'erased since the call: a finished call stays on the list (status=all), without name or contacts' }) erased: boolean;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty() tier: string;
  @ApiProperty({ type: [String] }) flags: string[];
  @ApiProperty({ type: [CallReasonDto], description: 'why this customer is on the list' }) reasons: CallReasonDto[];
  @ApiProperty({ description: "the reasons in English, joined by '; ' (the v1 contract's field; the console words `reasons` in the viewer's language)" })
  reason: string;
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
