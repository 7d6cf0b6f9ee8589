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

/** What `insertedOrElse` sets in its runner's `data` while its plain statement runs: the logger leaves that failure out. */
export const CONFLICT_EXPECTED = 'conflictExpected';
export const UNIQUE_VIOLATION = '23505';

/**
 * Writes new rows with `plain` (INSERTs without ON CONFLICT: no probe of each row's key before
 * its insert) under a savepoint, and when a row turns out to exist already (a unique violation),
 * goes back to the savepoint and writes with `upsert` instead. For batches that almost never meet
 * an existing row; the plain statement's failure is not logged as an error.
 */
export async function insertedOrElse(em: EntityManager, plain: () => Promise<unknown>, upsert: () => Promise<unknown>): Promise<void> {
  const data = em.queryRunner?.data as Record<string, unknown> | undefined;
  if (!data) throw new Error('insertedOrElse needs a transaction of its own query runner');
  await em.query('SAVEPOINT inserted_or_else');
  data[CONFLICT_EXPECTED] = true;
  try {
    await plain();
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
  } finally {
    delete data[CONFLICT_EXPECTED];
  }
  await em.query('ROLLBACK TO SAVEPOINT inserted_or_else');
  await upsert();
}

/** Runs a write and returns how many rows it touched (INSERT, UPDATE or DELETE alike). */
export async function execute(em: EntityManager, sql: string, params: unknown[] = []): Promise<number> {
  return (await structured(em, sql, params)).affected ?? 0;
}

/** The rows of an INSERT / UPDATE / DELETE … RETURNING. */
export async function returning<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await structured(em, sql, params)).records as T[];
}

/**
 * A PostgreSQL array literal ('{"a","b",NULL}') for a parameter cast to an array type
 * (`$1::text[]`, `$2::bigint[]`): what pg builds for a JS array, at a third of its cost on the
 * record's thousands of elements (pg runs two regex replaces and a quoting per element). Numbers and
 * booleans go bare, strings quoted (backslash and double quote escaped), null and undefined as NULL.
 */
export function arrayLiteral(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v === 'number') out += Number.isFinite(v) ? String(v) : `"${v}"`;
    else if (typeof v === 'boolean') out += v ? 't' : 'f';
    else out += NEEDS_ESCAPE.test(v) ? `"${v.replace(ESCAPED, '\\$&')}"` : `"${v}"`;
  }
  return out + '}';
}
const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;
