import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditController } from './audit.controller';
import { AuditInterceptor } from './audit.interceptor';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditTransactionSubscriber } from './audit-transaction.subscriber';

/** The api's audit log: every read of customers' data and every change, and GET /v1/audit for admins. */
@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, AuditTransactionSubscriber, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
})
export class AuditModule {}
