import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LOCALES, TIERS } from '../common/validation';

export class QuietHoursDto {
  @ApiProperty({ example: '22:00' }) start: string;
  @ApiProperty({ example: '08:00' }) end: string;
}

export class ChannelsDto {
  @ApiProperty() sms: boolean;
  @ApiProperty() email: boolean;
}

export class CreateSubscriberDto {
  @ApiProperty({ example: 'CRM-000123' }) externalId: string;
  @ApiProperty({ example: 'Анна Петрова' }) name: string;
  @ApiPropertyOptional({ example: '+79131234567', description: 'E.164, or national with DEFAULT_PHONE_REGION' }) phone?: string;
  @ApiPropertyOptional({ example: 'anna@example.ru' }) email?: string;
  @ApiPropertyOptional({ enum: LOCALES, default: 'ru' }) locale?: string;
  @ApiPropertyOptional({ example: 'Asia/Novosibirsk', description: 'else the area\'s, else DEFAULT_TIMEZONE' }) timezone?: string;
  @ApiPropertyOptional({ type: QuietHoursDto, description: 'local time; may wrap midnight; else DEFAULT_QUIET_HOURS' })
  quietHours?: QuietHoursDto;
  @ApiPropertyOptional({ enum: TIERS, default: 'residential' }) tier?: string;
  @ApiPropertyOptional({ type: [String], example: ['sensitive'] }) flags?: string[];
  @ApiProperty({ example: 'RU-NSK-C' }) areaCode: string;
  @ApiPropertyOptional({ example: 'OLT-NSK-017' }) accessElementCode?: string;
  @ApiPropertyOptional({ type: ChannelsDto }) channels?: ChannelsDto;
}

export class PatchSubscriberDto {
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional({ nullable: true }) phone?: string | null;
  @ApiPropertyOptional({ nullable: true }) email?: string | null;
  @ApiPropertyOptional({ enum: LOCALES }) locale?: string;
  @ApiPropertyOptional({ nullable: true }) timezone?: string | null;
  @ApiPropertyOptional({ type: QuietHoursDto, nullable: true }) quietHours?: QuietHoursDto | null;
  @ApiPropertyOptional({ enum: TIERS }) tier?: string;
  @ApiPropertyOptional({ type: [String] }) flags?: string[];
  @ApiPropertyOptional() areaCode?: string;
  @ApiPropertyOptional({ nullable: true }) accessElementCode?: string | null;
  @ApiPropertyOptional({ type: ChannelsDto }) channels?: Partial<ChannelsDto>;
}

export class SubscriberDto {
  @ApiProperty() id: number;
  @ApiProperty() externalId: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ enum: LOCALES }) locale: string;
  @ApiProperty({ nullable: true, type: String }) timezone: string | null;
  @ApiProperty({ description: 'own zone, else the area\'s, else DEFAULT_TIMEZONE' }) effectiveTimezone: string;
  @ApiProperty({ type: QuietHoursDto, nullable: true, description: 'null: the operator default applies' })
  quietHours: QuietHoursDto | null;
  @ApiProperty({ enum: TIERS }) tier: string;
  @ApiProperty({ type: [String] }) flags: string[];
  @ApiProperty() areaCode: string;
  @ApiProperty({ nullable: true, type: String }) accessElementCode: string | null;
  @ApiProperty({ type: ChannelsDto }) channels: ChannelsDto;
  @ApiProperty({ nullable: true, type: String }) smsOptedOutAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class SubscriberSummaryDto {
  @ApiProperty() id: number;
  @ApiProperty() externalId: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ enum: ['residential', 'business', 'vip'] }) tier: string;
  @ApiProperty() areaCode: string;
}

export class SubscriberPageDto {
  @ApiProperty({ type: [SubscriberSummaryDto] }) items: SubscriberSummaryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as ?cursor= for the next page' }) nextCursor: string | null;
}

export class ErasedSubscriberDto {
  @ApiProperty() id: number;
  @ApiProperty({ description: 'when the personal data was erased (the first time, when repeated)' }) erasedAt: string;
}
