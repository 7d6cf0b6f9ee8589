import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention and erasure: what held a person's data may now be empty (NULL) while the row stays,
 * so counts and states survive; subscribers get erased_at (an erased one is reachable by nothing
 * and affected by nothing); incidents get retention_done, set once nothing of theirs can change,
 * so the hourly job never reads their messages again; replies not yet emptied are found by time.
 */
export class Retention1765000001000 implements MigrationInterface {
  name = 'Retention1765000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE subscribers ADD COLUMN erased_at timestamptz`);
    await q.query(`ALTER TABLE subscribers DROP CONSTRAINT subscribers_reachable`);
    await q.query(`ALTER TABLE subscribers ADD CONSTRAINT subscribers_reachable CHECK (phone IS NOT NULL OR email IS NOT NULL OR erased_at IS NOT NULL)`);
    await q.query(`ALTER TABLE incidents ADD COLUMN retention_done boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE messages ALTER COLUMN recipient DROP NOT NULL, ALTER COLUMN body DROP NOT NULL`);
    await q.query(`ALTER TABLE inbound_messages ALTER COLUMN sender DROP NOT NULL, ALTER COLUMN body DROP NOT NULL`);
    await q.query(`ALTER TABLE inbound_replies ALTER COLUMN recipient DROP NOT NULL, ALTER COLUMN body DROP NOT NULL`);
    // An emptied free-text reply keeps its row (it is counted) with neither text nor rating.
    await q.query(`ALTER TABLE feedback DROP CONSTRAINT feedback_not_empty`);
    await q.query(`CREATE INDEX inbound_messages_kept ON inbound_messages (received_at) WHERE body IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX inbound_messages_kept`);
    await q.query(`UPDATE feedback SET body = '' WHERE body IS NULL AND rating IS NULL`);
    await q.query(`ALTER TABLE feedback ADD CONSTRAINT feedback_not_empty CHECK (body IS NOT NULL OR rating IS NOT NULL)`);
    await q.query(`UPDATE inbound_replies SET recipient = coalesce(recipient, ''), body = coalesce(body, '') WHERE recipient IS NULL OR body IS NULL`);
    await q.query(`ALTER TABLE inbound_replies ALTER COLUMN recipient SET NOT NULL, ALTER COLUMN body SET NOT NULL`);
    await q.query(`UPDATE inbound_messages SET sender = coalesce(sender, ''), body = coalesce(body, '') WHERE sender IS NULL OR body IS NULL`);
    await q.query(`ALTER TABLE inbound_messages ALTER COLUMN sender SET NOT NULL, ALTER COLUMN body SET NOT NULL`);
    await q.query(`UPDATE messages SET recipient = coalesce(recipient, ''), body = coalesce(body, '') WHERE recipient IS NULL OR body IS NULL`);
    await q.query(`ALTER TABLE messages ALTER COLUMN recipient SET NOT NULL, ALTER COLUMN body SET NOT NULL`);
    await q.query(`ALTER TABLE incidents DROP COLUMN retention_done`);
    await q.query(`ALTER TABLE subscribers DROP CONSTRAINT subscribers_reachable`);
    await q.query(`UPDATE subscribers SET email = '' WHERE phone IS NULL AND email IS NULL`);
    await q.query(`ALTER TABLE subscribers ADD CONSTRAINT subscribers_reachable CHECK (phone IS NOT NULL OR email IS NOT NULL)`);
    await q.query(`ALTER TABLE subscribers DROP COLUMN erased_at`);
  }
}
