import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Values the api and the workers must share and nobody may derive: today the unsubscribe links'
 * signing key when UNSUBSCRIBE_SECRET is not set (it used to be a hash of DATABASE_URL, so anyone
 * who knew the example URL could sign any subscriber's link). Made once, by whichever process
 * starts first.
 */
export class Settings1764100001000 implements MigrationInterface {
  name = 'Settings1764100001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE settings (
        name text PRIMARY KEY,
        value text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE settings`);
  }
}
