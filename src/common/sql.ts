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
