import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A delivery batch holds its threads by row locks inside its transaction instead of claim columns,
 * and a message row is written once, with its outcome. Every state change of a thread used to touch
 * seven indexes three more times; now a thread has three indexes, and a message's receipt update
 * touches none (HOT), which is what lets a million-subscriber incident go out in about a minute.
 */
export class DeliveryLocks1763940000000 implements MigrationInterface {
  name = 'DeliveryLocks1763940000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX notification_threads_due, notification_threads_incident, notification_threads_claim,
                              notification_threads_claimed_until, notification_threads_subscriber`);
    await q.query(`ALTER TABLE notification_threads DROP COLUMN claim_id, DROP COLUMN claimed_until, DROP COLUMN told_status`);
    // Failed hand-overs wait and retry a bounded number of times; the thread keeps the count and the last error.
    await q.query(`ALTER TABLE notification_threads ADD COLUMN attempts smallint NOT NULL DEFAULT 0, ADD COLUMN last_error text`);
    await q.query(`ALTER TYPE thread_state RENAME TO thread_state_old`);
    await q.query(`CREATE TYPE thread_state AS ENUM ('idle', 'due')`);
    await q.query(`ALTER TABLE notification_threads ALTER COLUMN state TYPE thread_state
                   USING (CASE WHEN state = 'claimed' THEN 'due' ELSE state::text END)::thread_state`);
    await q.query(`DROP TYPE thread_state_old`);
    // Each channel's lane claims its own due threads: vip, business, residential, oldest due first.
    await q.query(`CREATE INDEX notification_threads_due ON notification_threads (channel, priority, send_after) WHERE state = 'due'`);

    // Messages written before their hand-over whose outcome never came: nothing resolves them now.
    await q.query(`UPDATE messages SET state = 'failed', error = 'outcome never recorded (written before sending)' WHERE state = 'sending'`);
    await q.query(`DROP INDEX messages_sending, messages_incident`);
    await q.query(`CREATE INDEX messages_incident ON messages (incident_id)`);
    // Room on each page for the receipt's update of the same row.
    await q.query(`ALTER TABLE messages SET (fillfactor = 85)`);
    await q.query(`ALTER TABLE message_parts SET (fillfactor = 85)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE message_parts RESET (fillfactor)`);
    await q.query(`ALTER TABLE messages RESET (fillfactor)`);
    await q.query(`DROP INDEX messages_incident`);
    await q.query(`CREATE INDEX messages_incident ON messages (incident_id, channel, state)`);
    await q.query(`CREATE INDEX messages_sending ON messages (thread_id) WHERE state = 'sending'`);

    await q.query(`DROP INDEX notification_threads_due`);
    await q.query(`ALTER TYPE thread_state RENAME TO thread_state_new`);
    await q.query(`CREATE TYPE thread_state AS ENUM ('idle', 'due', 'claimed')`);
    await q.query(`ALTER TABLE notification_threads ALTER COLUMN state TYPE thread_state USING state::text::thread_state`);
    await q.query(`DROP TYPE thread_state_new`);
    await q.query(`ALTER TABLE notification_threads DROP COLUMN attempts, DROP COLUMN last_error`);
    await q.query(`ALTER TABLE notification_threads ADD COLUMN claim_id uuid, ADD COLUMN claimed_until timestamptz,
                                                   ADD COLUMN told_status incident_status`);
    await q.query(`CREATE INDEX notification_threads_due ON notification_threads (priority, send_after) WHERE state = 'due'`);
    await q.query(`CREATE INDEX notification_threads_incident ON notification_threads (incident_id, state)`);
    await q.query(`CREATE INDEX notification_threads_claim ON notification_threads (claim_id) WHERE state = 'claimed'`);
    await q.query(`CREATE INDEX notification_threads_claimed_until ON notification_threads (claimed_until) WHERE state = 'claimed'`);
    await q.query(`CREATE INDEX notification_threads_subscriber ON notification_threads (subscriber_id)`);
  }
}
