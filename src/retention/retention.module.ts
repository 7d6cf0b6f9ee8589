import { Module } from '@nestjs/common';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

/** Removing personal data: past its time (the worker's job) or one person's on request (the api). */
@Module({ providers: [RetentionService, RetentionRepository], exports: [RetentionService] })
export class RetentionModule {}
