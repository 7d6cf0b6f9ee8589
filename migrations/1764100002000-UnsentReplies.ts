import { MigrationInterface, QueryRunner } from 'typeorm';

/** Finds our answers to STOP / STATUS left 'sending' by a worker that died before sending them (see RepliesService's sweep). */
export class UnsentReplies1764100002000 implements MigrationInterface {
  name = 'UnsentReplies1764100002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX inbound_replies_sending ON inbound_replies (updated_at) WHERE state = 'sending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX inbound_replies_sending`);
  }
}
