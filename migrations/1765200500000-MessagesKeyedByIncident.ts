import { MigrationInterface, QueryRunner } from 'typeorm';
import { dropIfInvalid } from '../src/database/concurrent-index';

/**
 * One index on messages less for every text: the unique key of a message becomes
 * (incident_id, dedupe_key), and the index on incident_id alone goes. A dedupe key starts with its
 * thread's id and a thread belongs to one incident, so the pair is unique exactly when the key is;
 * and every read of an incident's messages (counts, progress, retention, the console's list) finds
 * them by the key's leading column as it did by the old index.
 *
 * Built without a transaction so that a live database keeps writing messages: the new index is
 * built CONCURRENTLY (an invalid one left by an interrupted run is dropped first), then dropping
 * the old constraint takes its lock for a moment (no scan), and the old index goes CONCURRENTLY.
 */
export class MessagesKeyedByIncident1765200500000 implements MigrationInterface {
  name = 'MessagesKeyedByIncident1765200500000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await dropIfInvalid(q, 'messages_incident_dedupe');
    await q.query(`CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS messages_incident_dedupe ON messages (incident_id, dedupe_key)`);
    await q.query(`ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_dedupe_key_key`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS messages_incident`);
  }

  /** Plain statements (TypeORM reverts inside a transaction whatever the flag): writes to messages wait while the two indexes build. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX messages_incident ON messages (incident_id)`);
    await q.query(`ALTER TABLE messages ADD CONSTRAINT messages_dedupe_key_key UNIQUE (dedupe_key)`);
    await q.query(`DROP INDEX messages_incident_dedupe`);
  }
}
