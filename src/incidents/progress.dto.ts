import { ApiProperty } from '@nestjs/swagger';

export class ProgressPointDto {
  @ApiProperty({ description: 'start of the bucket' }) at: string;
  @ApiProperty({ enum: ['sms', 'email'] }) channel: string;
  @ApiProperty({ description: 'messages handed to the SMSC / SMTP server in this bucket' }) sent: number;
  @ApiProperty({ description: 'messages confirmed delivered in this bucket' }) delivered: number;
  @ApiProperty({ description: 'messages that failed (failed, expired, undeliverable, rejected) in this bucket' }) failed: number;
}

export class WakingDto {
  @ApiProperty({ description: 'start of a 15-minute window' }) at: string;
  @ApiProperty({ description: 'subscribers whose first message waits for their quiet hours to end in this window' }) count: number;
}

export class IncidentProgressDto {
  @ApiProperty({ description: 'width of each bucket of points, seconds (a minute up to a day, at most 120 buckets)' })
  bucketSeconds: number;
  @ApiProperty({ type: [ProgressPointDto], description: 'only buckets with something in them, in time order' })
  points: ProgressPointDto[];
  @ApiProperty({ type: [WakingDto], description: 'the "waiting for morning" histogram, in time order' })
  waking: WakingDto[];
  @ApiProperty({
    description: 'when these were counted, with the incident detail\'s counts; may be some seconds ago: counted at most every 5 s '
      + '(and rests nine times as long as the count took: a tenth of the time at most), and answered up to a minute older at once while counted again',
  })
  countsAt: string;
}
