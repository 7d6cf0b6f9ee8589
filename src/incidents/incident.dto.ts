import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVENT_TYPES, KINDS, SEVERITIES, STATUSES } from './incident.errors';

export class ScopeDto {
  @ApiPropertyOptional({ type: [String], example: ['RU-NSK-C'] }) areaCodes?: string[];
  @ApiPropertyOptional({ type: [String], example: ['OLT-NSK-017'] }) elementCodes?: string[];
}

/** Text per language, as given: a language left out reads the text given for all. */
export class LocalizedInputDto {
  @ApiPropertyOptional({ example: 'Обрыв кабеля, ул. Ленина' }) ru?: string;
  @ApiPropertyOptional({ example: 'Fibre cut, Lenina st.' }) en?: string;
}

/** Text in every language: its own where one was given, else the text given for all. */
export class LocalizedTextDto {
  @ApiProperty() ru: string;
  @ApiProperty() en: string;
}

export class PreviewIncidentDto {
  @ApiProperty({ type: ScopeDto }) scope: ScopeDto;
}

export class AreaCountDto {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() count: number;
}

export class PreviewDto {
  @ApiProperty() affected: number;
  @ApiProperty({ example: { residential: 900, business: 80, vip: 20 } }) byTier: Record<string, number>;
  @ApiProperty({ type: [AreaCountDto], description: 'subscribers\' own areas, most affected first (top 50)' })
  byArea: AreaCountDto[];
  @ApiProperty({ description: 'affected subscribers inside their quiet hours right now' }) inQuietHoursNow: number;
}

export class DeclareIncidentDto {
  @ApiPropertyOptional({ example: 'Fibre cut, Lenina st.', description: 'for every language; required unless titles gives one' })
  title?: string;
  @ApiPropertyOptional({ type: LocalizedInputDto, description: 'per language: a subscriber gets the title in their language' })
  titles?: LocalizedInputDto;
  @ApiProperty({ enum: KINDS }) kind: string;
  @ApiPropertyOptional({ enum: SEVERITIES, default: 'major' }) severity?: string;
  @ApiProperty({ type: ScopeDto }) scope: ScopeDto;
  @ApiPropertyOptional({ description: 'default now; may be in the future for maintenance' }) startedAt?: string;
  @ApiPropertyOptional({ description: 'estimated time of restoration, ISO 8601 with offset' }) etr?: string;
  @ApiPropertyOptional({ description: 'the first public message, for every language' }) publicMessage?: string;
  @ApiPropertyOptional({ type: LocalizedInputDto, description: 'the first public message per language' })
  publicMessages?: LocalizedInputDto;
}

export class UpdateIncidentDto {
  @ApiPropertyOptional({ enum: ['investigating', 'identified', 'monitoring'] }) status?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) etr?: string | null;
  @ApiPropertyOptional({ description: 'a public update, shown on the status page (for every language)' }) message?: string;
  @ApiPropertyOptional({ type: LocalizedInputDto, description: 'the public update per language' }) messages?: LocalizedInputDto;
  @ApiPropertyOptional({ type: ScopeDto, description: 'replaces the scope: widening adds, narrowing releases' })
  scope?: ScopeDto;
}

export class ResolveIncidentDto {
  @ApiPropertyOptional({ description: 'for every language' }) message?: string;
  @ApiPropertyOptional({ type: LocalizedInputDto, description: 'per language' }) messages?: LocalizedInputDto;
  @ApiPropertyOptional() resolvedAt?: string;
}

export class CancelIncidentDto {
  @ApiProperty({ example: 'declared in error: wrong OLT' }) reason: string;
}

export class AssignManagerDto {
  @ApiProperty() managerId: number;
}

export class ManagerRefDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() phone: string;
}

export class IncidentDto {
  @ApiProperty() id: number;
  @ApiProperty({ description: 'public tracking code' }) code: string;
  @ApiProperty({ description: 'the title given for every language (or the first one given per language)' }) title: string;
  @ApiProperty({ type: LocalizedTextDto }) titles: LocalizedTextDto;
  @ApiProperty({ enum: KINDS }) kind: string;
  @ApiProperty({ enum: SEVERITIES }) severity: string;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty({ type: ScopeDto }) scope: { areaCodes: string[]; elementCodes: string[] };
  @ApiProperty() startedAt: string;
  @ApiProperty({ nullable: true, type: String }) etr: string | null;
  @ApiProperty({ description: 'how many times the ETR moved later' }) etrSlips: number;
  @ApiProperty({ nullable: true, type: String }) publicMessage: string | null;
  @ApiProperty({ nullable: true, type: LocalizedTextDto }) publicMessages: LocalizedTextDto | null;
  @ApiProperty({ nullable: true, type: String }) resolvedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelledAt: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelReason: string | null;
  @ApiProperty({ description: 'subscribers affected now' }) affected: number;
  @ApiProperty({ type: ManagerRefDto, nullable: true }) manager: ManagerRefDto | null;
  @ApiProperty({ description: 'no manager, or the manager went off duty' }) unassigned: boolean;
  @ApiProperty() needsReassignment: boolean;
  @ApiProperty() statusUrl: string;
  @ApiProperty({ description: 'bumped on every customer-relevant change' }) version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class TimelineEntryDto {
  @ApiProperty() at: string;
  @ApiProperty() actor: string;
  @ApiProperty({ enum: EVENT_TYPES }) type: string;
  @ApiProperty({ nullable: true, type: String }) status: string | null;
  @ApiProperty({ nullable: true, type: String }) etr: string | null;
  @ApiProperty({ nullable: true, type: String }) message: string | null;
  @ApiProperty({ nullable: true, type: LocalizedTextDto }) messages: LocalizedTextDto | null;
  @ApiProperty() public: boolean;
  @ApiProperty() details: Record<string, unknown>;
}

export class IncidentDetailDto extends IncidentDto {
  @ApiProperty({ type: [TimelineEntryDto] }) timeline: TimelineEntryDto[];
  @ApiProperty({
    description: 'affected and callList as of now; threads and messages by channel and state as counted at countsAt, '
      + 'which may be some seconds ago: an incident is counted at most every 5 s (and rests nine times as long as its count took: a tenth of the time at most), '
      + 'and counts up to a minute older are answered at once while it is counted again',
    example: { affected: 1200, callList: { total: 40, pending: 38 }, threads: { sms: { due: 10 } }, messages: { sms: { accepted: 900 } },
      countsAt: '2026-11-23T16:00:05.000Z' },
  })
  stats: Record<string, unknown>;
}

export class IncidentPageDto {
  @ApiProperty({ type: [IncidentDto] }) items: IncidentDto[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as ?cursor= for the next page' }) nextCursor: string | null;
}
