import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InboundSms } from '../sms/inbound';

/** deliver_sm that could not be stored, kept as bytes for someone to look at (see the migration). */
@Injectable()
export class QuarantineRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async add(event: InboundSms, error: string, attempts: number): Promise<void> {
    const bytes = (s: string | undefined) => (s === undefined ? null : Buffer.from(s, 'utf8'));
    // Addresses and ids are C strings on the wire, so they hold no NUL; the error may quote the text.
    const clean = (s: string) => s.replace(/\u0000/g, '\\u0000');
    const row =
      event.kind === 'mo'
        ? [event.kind, clean(event.from), clean(event.to), bytes(event.text), event.dataCoding, null]
        : [event.kind, null, null, null, null, clean(event.receipt.messageId)];
    await this.db.query(
      `INSERT INTO inbound_quarantine (kind, sender, recipient, body, data_coding, receipt_id, error, attempts, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [...row, clean(error).slice(0, 1000), attempts, event.receivedAt],
    );
  }
}
