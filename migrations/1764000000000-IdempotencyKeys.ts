import { MigrationInterface, QueryRunner } from 'typeorm';

/** Answers kept for Idempotency-Key, per API key, for a day: a retried declare must not declare twice. */
export class IdempotencyKeys1764000000000 implements MigrationInterface {
  name = 'IdempotencyKeys1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE idempotency_keys (
      api_key_id int NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
      key text NOT NULL,
      fingerprint text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      status smallint,
      response jsonb,
      PRIMARY KEY (api_key_id, key)
    )`);
    await q.query(`CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
