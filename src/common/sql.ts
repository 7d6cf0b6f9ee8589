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

/** Runs a write and returns how many rows it touched (INSERT, UPDATE or DELETE alike). */
export async function execute(em: EntityManager, sql: string, params: unknown[] = []): Promise<number> {
  // Only a QueryRunner reports affected rows; outside a transaction borrow one for the call.
  const runner = em.queryRunner ?? em.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return result.affected ?? 0;
  } finally {
    if (!em.queryRunner) await runner.release();
  }
}
