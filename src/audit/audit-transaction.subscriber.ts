import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';
import { writePendingAudit } from './audit-context';

/** Every `db.transaction(...)` of an audited change writes the change's audit row just before its COMMIT. */
@Injectable()
export class AuditTransactionSubscriber implements EntitySubscriberInterface {
  constructor(@InjectDataSource() db: DataSource) {
    db.subscribers.push(this);
  }

  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    // A nested transaction's "commit" releases a savepoint; only the outermost one commits.
    if ((event.queryRunner as unknown as { transactionDepth: number }).transactionDepth > 1) return;
    await writePendingAudit((sql, params) => event.queryRunner.query(sql, params));
  }
}
