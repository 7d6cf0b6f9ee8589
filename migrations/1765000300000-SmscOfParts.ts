import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Message ids are unique only within one SMSC: each part records the SMSC that took it, and a
 * receipt matches a part of the SMSC it came from. Parts and waiting receipts from before this
 * belong to `default`, the name of the SMSC configured by the SMSC_* variables alone.
 */
export class SmscOfParts1765000300000 implements MigrationInterface {
  name = 'SmscOfParts1765000300000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['message_parts', 'inbound_reply_parts']) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN smsc text NOT NULL DEFAULT 'default'`);
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey, ADD PRIMARY KEY (provider_id, smsc)`);
    }
    // The bind a receipt came on labels its lag in the metrics.
    await q.query(`ALTER TABLE pending_receipts ADD COLUMN smsc text NOT NULL DEFAULT 'default', ADD COLUMN bind text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE pending_receipts DROP COLUMN smsc, DROP COLUMN bind`);
    for (const table of ['message_parts', 'inbound_reply_parts']) {
      // Ids that now repeat across SMSCs cannot go back under a key of their own: the newest part keeps it.
      await q.query(`DELETE FROM ${table} a USING ${table} b WHERE a.provider_id = b.provider_id AND (a.updated_at, a.smsc) < (b.updated_at, b.smsc)`);
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN smsc, ADD PRIMARY KEY (provider_id)`);
    }
  }
}
