import { QueryRunner } from 'typeorm';

/**
 * Before CREATE INDEX CONCURRENTLY IF NOT EXISTS in a migration without a transaction: an
 * interrupted build leaves its index behind, invalid, and IF NOT EXISTS would then keep it as it
 * is, so it is dropped first (CONCURRENTLY too: the table stays writable).
 */
export async function dropIfInvalid(q: QueryRunner, index: string): Promise<void> {
  const [row] = await q.query(`SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass($1)`, [index]);
  if (row && !row.indisvalid) await q.query(`DROP INDEX CONCURRENTLY ${index}`);
}
