import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * incident_impact keeps only its primary key (incident_id, subscriber_id). The index on
 * subscriber_id cost a million entries per million-subscriber declare (about a third of the
 * impact INSERT's CPU); the few lookups by subscriber (a reply's latest incident, repeat hits,
 * open incidents of someone who opted out) now go through the incidents, probing the key.
 * `impact_added_at` bounds the newest added_at among an incident's rows, so the latest incident
 * of a subscriber is found by probing incidents newest first and stopping early.
 * On the 2,000,000-subscriber bench database (one incident of 1,000,891 rows) this took about
 * a second: the backfill reads each incident's rows once through the key; dropping the index is
 * immediate.
 */
export class ImpactWithoutSubscriberIndex1765200100000 implements MigrationInterface {
  name = 'ImpactWithoutSubscriberIndex1765200100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE incidents ADD COLUMN impact_added_at timestamptz`);
    await q.query(`UPDATE incidents i SET impact_added_at = (SELECT max(ii.added_at) FROM incident_impact ii WHERE ii.incident_id = i.id)`);
    await q.query(`DROP INDEX incident_impact_subscriber`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX incident_impact_subscriber ON incident_impact (subscriber_id)`);
    await q.query(`ALTER TABLE incidents DROP COLUMN impact_added_at`);
  }
}
