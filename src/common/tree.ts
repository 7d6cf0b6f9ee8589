import { EntityManager } from 'typeorm';
import { Conflict } from './errors';

export type TreeTable = 'areas' | 'network_elements';

/**
 * Refuses to hang a node under itself or its own subtree. The tree_set_path trigger refuses it
 * too; checking first gives the caller a clear error instead of a database exception.
 */
export async function assertNoCycle(em: EntityManager, table: TreeTable, id: number, parentId: number, parentCode: string) {
  const rows = await em.query(`SELECT 1 FROM ${table} c, ${table} a WHERE c.id = $2 AND a.id = $1 AND c.path <@ a.path`, [
    id,
    parentId,
  ]);
  if (rows.length > 0) {
    throw new Conflict('HIERARCHY_CYCLE', `parentCode ${parentCode} is this node or one of its descendants`, [
      { field: 'parentCode', message: 'would create a cycle' },
    ]);
  }
}
