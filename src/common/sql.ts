import { EntityManager } from 'typeorm';

/** UPDATE of the given columns (undefined values are left alone) plus updated_at. */
export async function updateColumns(
  em: EntityManager,
  table: string,
  id: number,
  columns: Record<string, unknown>,
): Promise<void> {
  const sets = ['updated_at = now()'];
  const params: unknown[] = [id];
  for (const [column, value] of Object.entries(columns)) {
    if (value === undefined) continue;
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  }
  await em.query(`UPDATE ${table} SET ${sets.join(', ')} WHERE id = $1`, params);
}

/**
 * TypeORM's plain `query` answers UPDATE / DELETE with [rows, count] and INSERT with rows only;
 * its structured result (a QueryRunner's) has both. Outside a transaction, borrow a runner.
 */
async function structured(em: EntityManager, sql: string, params: unknown[]) {
  const runner = em.queryRunner ?? em.connection.createQueryRunner();
  try {
    return await runner.query(sql, params, true);
  } finally {
    if (!em.queryRunner) await runner.release();
  }
}

/** Runs a write and returns how many rows it touched (INSERT, UPDATE or DELETE alike). */
export async function execute(em: EntityManager, sql: string, params: unknown[] = []): Promise<number> {
  return (await structured(em, sql, params)).affected ?? 0;
}

/** The rows of an INSERT / UPDATE / DELETE … RETURNING. */
export async function returning<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await structured(em, sql, params)).records as T[];
}
