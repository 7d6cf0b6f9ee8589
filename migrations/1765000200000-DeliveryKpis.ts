import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When an incident's first message was accepted, and when every awake subscriber's notice was:
 * the KPIs' histograms are observed once per incident, by whichever worker sets these first.
 * Incidents from before are marked as done, so they are never measured.
 */
export class DeliveryKpis1765000200000 implements MigrationInterface {
  name = 'DeliveryKpis1765000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE incidents ADD COLUMN first_handed_at timestamptz, ADD COLUMN awake_notified_at timestamptz`);
    await q.query(`UPDATE incidents SET first_handed_at = now(), awake_notified_at = now()`);
    // The dispatcher looks at the few incidents whose awake subscribers are still being told, every tick.
    await q.query(`CREATE INDEX incidents_awake_pending ON incidents (id) WHERE awake_notified_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX incidents_awake_pending`);
    await q.query(`ALTER TABLE incidents DROP COLUMN first_handed_at, DROP COLUMN awake_notified_at`);
  }
}
