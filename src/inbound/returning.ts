import { EntityManager } from 'typeorm';

/**
 * The rows of an UPDATE / DELETE … RETURNING. TypeORM's plain `query` answers those with
 * [rows, count] instead of the rows, so ask for its structured result.
 */
export async function returning<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const runner = em.queryRunner ?? em.connection.createQueryRunner();
  try {
    return (await runner.query(sql, params, true)).records as T[];
  } finally {
    if (!em.queryRunner) await runner.release();
  }
}
