import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An incident's own words per language ({"ru": …, "en": …}): the title, the current public message
 * and each timeline entry's message. The plain text columns stay, for every language not given.
 */
export class LocalizedTexts1765000600000 implements MigrationInterface {
  name = 'LocalizedTexts1765000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE incidents ADD COLUMN titles jsonb NOT NULL DEFAULT '{}', ADD COLUMN public_messages jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE incident_events ADD COLUMN messages jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE incident_events DROP COLUMN messages`);
    await q.query(`ALTER TABLE incidents DROP COLUMN titles, DROP COLUMN public_messages`);
  }
}
