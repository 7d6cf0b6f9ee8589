import { ApiProperty } from '@nestjs/swagger';

export class FeedbackItemDto {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: Number, description: 'the incident it is about (null: the sender was never affected by one)' })
  incidentId: number | null;
  @ApiProperty({ nullable: true, type: String }) incidentCode: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'the outage manager of the incident when the reply came' })
  managerId: number | null;
  @ApiProperty() subscriberId: number;
  @ApiProperty() subscriberName: string;
  @ApiProperty({ nullable: true, type: String, description: 'free text; null for a rating' }) text: string | null;
  @ApiProperty({ nullable: true, type: Number, description: '1-5 after a follow-up; null for free text' }) rating: number | null;
  @ApiProperty() receivedAt: string;
}

export class RatingSummaryDto {
  @ApiProperty() count: number;
  @ApiProperty({ nullable: true, type: Number, description: 'mean of the ratings, two decimals' }) average: number | null;
}

export class FeedbackPageDto {
  @ApiProperty({ type: [FeedbackItemDto] }) items: FeedbackItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
  @ApiProperty({ type: RatingSummaryDto, required: false, description: 'with incidentId only' }) ratings?: RatingSummaryDto;
}
