import { Injectable } from '@nestjs/common';
import { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Writable } from 'stream';
import { ImportKind, ImportKindName } from './import-kinds';
import { LineProblem, MAX_LISTED_PROBLEMS } from './import.errors';

export interface MergeCounts {
  inserted: number;
  updated: number;
}

/** How a tree kind maps its staging rows onto its table. */
interface TreeSql {
  table: 'areas' | 'network_elements';
  noun: string;
  /** Joins over the staging row `s` that resolve its other references. */
  joins: string;
  /** Target column → value over `s` and the joins (parent_id is handled for every tree). */
  columns: Record<string, string>;
  /** Further reference checks, each a SELECT of (line, field, message). */
  checks: string[];
}

/** An import that writes at least this many subscribers refreshes their statistics at its end (ANALYZE samples: about a second at 2M). */
const ANALYZE_AFTER_ROWS = 10_000;

const TREES: Partial<Record<ImportKindName, TreeSql>> = {
  areas: { table: 'areas', noun: 'area', joins: '', columns: { name: 's.name', timezone: 's.timezone' }, checks: [] },
  'network-elements': {
    table: 'network_elements',
    noun: 'network element',
    joins: 'LEFT JOIN areas a ON a.code = s.area_code',
    columns: { name: 's.name', kind: 's.kind', area_id: 'a.id' },
    checks: [
      `SELECT s.line, 'areaCode', format('area %s does not exist', s.area_code)
       FROM import_network_elements s
       WHERE s.area_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = s.area_code)`,
    ],
  },
};

function stagingTable(kind: ImportKind): string {
  return `import_${kind.name.replace('-', '_')}`;
}

/** Later lines repeating a key of an earlier line, each named with the first line. */
function duplicates(staging: string, column: string, field: string): string {
  return `SELECT s.line, '${field}', format('${field} %s is already on line %s', s.${column}, d.first_line)
          FROM ${staging} s
          JOIN (SELECT ${column}, min(line) AS first_line FROM ${staging} GROUP BY ${column} HAVING count(*) > 1) d USING (${column})
          WHERE s.line > d.first_line`;
}

/** Every node's parent once the file is applied: the file's rows replace the table's. */
function finalTree(staging: string, t: TreeSql): string {
  return `final_tree(code, parent_code) AS (
            SELECT code, parent_code FROM ${staging}
            UNION ALL
            SELECT n.code, p.code FROM ${t.table} n LEFT JOIN ${t.table} p ON p.id = n.parent_id
            WHERE NOT EXISTS (SELECT 1 FROM ${staging} s WHERE s.code = n.code))`;
}

/**
 * The SQL half of an import, run on the import's own connection inside its transaction:
 * the staging table, the checks that need the database, and the set-based merge.
 */
@Injectable()
export class ImportsRepository {
  /** A session-local staging table, gone at commit or when the connection closes. */
  async createStaging(c: ClientBase, kind: ImportKind): Promise<void> {
    const columns = kind.staging.map(([name, type]) => `${name} ${type}`).join(', ');
    const depth = TREES[kind.name] ? ', depth integer' : '';
    await c.query(`CREATE TEMP TABLE ${stagingTable(kind)} (line integer NOT NULL, ${columns}${depth}) ON COMMIT DROP`);
  }

  /** A COPY into the staging table: write copyRow() lines, then end() and wait for 'finish'. */
  copyIntoStaging(c: ClientBase, kind: ImportKind): Writable {
    const columns = ['line', ...kind.staging.map(([name]) => name)].join(', ');
    return c.query(copyFrom(`COPY ${stagingTable(kind)} (${columns}) FROM STDIN`));
  }

  /** Imports of one kind check and merge one at a time, so two files cannot interleave their trees. */
  async lock(c: ClientBase, kind: ImportKind): Promise<void> {
    await c.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`outage-notifier.import.${kind.name}`]);
  }

  /** A temporary table has no statistics until told to; the checks and the merge need them to plan joins. */
  async analyzeStaging(c: ClientBase, kind: ImportKind): Promise<void> {
    await c.query(`ANALYZE ${stagingTable(kind)}`);
  }

  /** Problems only the database can see, the first by line, and how many there are in all. */
  async findProblems(c: ClientBase, kind: ImportKind): Promise<{ listed: LineProblem[]; total: number }> {
    const staging = stagingTable(kind);
    const tree = TREES[kind.name];
    if (!tree) {
      return this.firstProblems(c, [
        duplicates(staging, 'external_id', 'externalId'),
        `SELECT s.line, 'areaCode', format('area %s does not exist', s.area_code)
         FROM ${staging} s WHERE NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = s.area_code)`,
        `SELECT s.line, 'accessElementCode', format('network element %s does not exist', s.access_element_code)
         FROM ${staging} s
         WHERE s.access_element_code IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM network_elements e WHERE e.code = s.access_element_code)`,
      ]);
    }
    const found = await this.firstProblems(c, [
      duplicates(staging, 'code', 'code'),
      `SELECT s.line, 'parentCode', format('${tree.noun} %s does not exist in the file or the database', s.parent_code)
       FROM ${staging} s
       WHERE s.parent_code IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM ${staging} p WHERE p.code = s.parent_code)
         AND NOT EXISTS (SELECT 1 FROM ${tree.table} p WHERE p.code = s.parent_code)`,
      ...tree.checks,
    ]);
    // Loops are only well defined once every code is unique and every parent exists.
    return found.total > 0 ? found : this.findLoops(c, staging, tree);
  }

  /**
   * Ranks every file row by its depth in the tree as it will be after the merge; a row that no
   * root reaches has a parent chain that loops (inside the file or through existing rows).
   */
  private async findLoops(c: ClientBase, staging: string, t: TreeSql): Promise<{ listed: LineProblem[]; total: number }> {
    await c.query(`
      WITH RECURSIVE ${finalTree(staging, t)},
      ranked(code, depth) AS (
        SELECT code, 0 FROM final_tree WHERE parent_code IS NULL
        UNION ALL
        SELECT f.code, r.depth + 1 FROM ranked r JOIN final_tree f ON f.parent_code = r.code
      )
      UPDATE ${staging} s SET depth = r.depth FROM ranked r WHERE r.code = s.code`);
    // Walk up from each unranked row: a walk that comes back to its start is the loop itself.
    const walk = `${finalTree(staging, t)},
      walk(start, code, chain) AS (
        SELECT s.code, s.parent_code, ARRAY[s.code, s.parent_code] FROM ${staging} s WHERE s.depth IS NULL
        UNION ALL
        SELECT w.start, f.parent_code, w.chain || f.parent_code
        FROM walk w JOIN final_tree f ON f.code = w.code WHERE w.code <> w.start
      ) CYCLE code SET looped USING trail`;
    const loops = `
      SELECT s.line, 'parentCode',
             CASE WHEN l.chain IS NULL THEN format('parentCode %s hangs below a loop of parents', s.parent_code)
                  ELSE format('parentCode %s makes a loop: %s%s', s.parent_code, array_to_string(l.chain[1:12], ' → '),
                              CASE WHEN cardinality(l.chain) > 12 THEN ' → …' ELSE '' END) END
      FROM ${staging} s LEFT JOIN walk l ON l.start = s.code AND l.code = s.code
      WHERE s.depth IS NULL`;
    return this.firstProblems(c, [loops], walk);
  }

  private async firstProblems(
    c: ClientBase,
    selects: string[],
    recursiveCtes?: string,
  ): Promise<{ listed: LineProblem[]; total: number }> {
    const { rows } = await c.query<LineProblem & { total: number }>(`
      ${recursiveCtes ? `WITH RECURSIVE ${recursiveCtes},` : 'WITH'} problems(line, field, message) AS (${selects.join(' UNION ALL ')})
      SELECT line, field, message, count(*) OVER ()::int AS total FROM problems ORDER BY line, field LIMIT ${MAX_LISTED_PROBLEMS}`);
    return { total: rows[0]?.total ?? 0, listed: rows.map(({ line, field, message }) => ({ line, field, message })) };
  }

  async merge(c: ClientBase, kind: ImportKind): Promise<MergeCounts> {
    const tree = TREES[kind.name];
    return tree ? this.mergeTree(c, stagingTable(kind), tree) : this.mergeSubscribers(c);
  }

  /**
   * Upserts subscribers by external_id: one UPDATE for the existing rows whose values changed,
   * one INSERT for the new ones. Not INSERT … ON CONFLICT DO UPDATE: its speculative insertion
   * made a million-row initial load about 20 % slower, and repeated keys are already refused by
   * findProblems. A subscriber created by someone else between the two statements fails the
   * INSERT on the unique key, which rolls the whole import back (a 409 to retry), never a
   * silent overwrite. Opt-outs are not import fields, so a re-import never undoes a STOP.
   */
  private async mergeSubscribers(c: ClientBase): Promise<MergeCounts> {
    const columns = [
      'name', 'phone', 'email', 'locale', 'timezone', 'quiet_start', 'quiet_end', 'tier', 'flags', 'area_id',
      'access_element_id', 'sms_consent', 'email_consent',
    ];
    const incoming = `
      SELECT s.external_id, s.name, s.phone, s.email, s.locale, s.timezone, s.quiet_start, s.quiet_end, s.tier, s.flags,
             a.id AS area_id, e.id AS access_element_id, s.sms_consent, s.email_consent
      FROM import_subscribers s
      JOIN areas a ON a.code = s.area_code
      LEFT JOIN network_elements e ON e.code = s.access_element_code`;
    const updated = await c.query(`
      UPDATE subscribers t SET ${columns.map((col) => `${col} = i.${col}`).join(', ')}, updated_at = now()
      FROM (${incoming}) i
      WHERE t.external_id = i.external_id
        AND (${columns.map((col) => `t.${col}`).join(', ')}) IS DISTINCT FROM (${columns.map((col) => `i.${col}`).join(', ')})`);
    // ORDER BY: the new rows are all found before the first goes in. On a table analyzed while empty (a new
    // install: a migration ANALYZEs subscribers) the planner checks each key by a scan of subscribers, which
    // during the INSERT also reads every row the statement has inserted so far: 200,000 rows took minutes.
    // In key order the unique index is also filled left to right.
    const inserted = await c.query(`
      INSERT INTO subscribers (external_id, ${columns.join(', ')})
      SELECT i.external_id, ${columns.map((col) => `i.${col}`).join(', ')} FROM (${incoming}) i
      WHERE NOT EXISTS (SELECT 1 FROM subscribers t WHERE t.external_id = i.external_id)
      ORDER BY i.external_id`);
    // What the next statements plan with (a re-import, a preview, a declare), without waiting for autovacuum.
    if ((inserted.rowCount ?? 0) + (updated.rowCount ?? 0) >= ANALYZE_AFTER_ROWS) await c.query(`ANALYZE subscribers`);
    return { inserted: inserted.rowCount ?? 0, updated: updated.rowCount ?? 0 };
  }

  /**
   * Trees go level by level, shallowest first, so every parent is in its final place before its
   * children arrive (the path triggers read the parent's row). Existing rows are updated before
   * new ones are inserted, deepest current position first: moving a node moves its subtree by
   * trigger, and a row changed by that trigger must not be in the statement that fired it.
   */
  private async mergeTree(c: ClientBase, staging: string, t: TreeSql): Promise<MergeCounts> {
    const cols = Object.keys(t.columns);
    const values = Object.values(t.columns);
    const { rows } = await c.query<{ max: number }>(`SELECT max(depth) AS max FROM ${staging}`);
    const counts = { inserted: 0, updated: 0 };
    for (let depth = 0; depth <= rows[0].max; depth++) {
      for (;;) {
        const updated = await c.query(
          `WITH changed AS (
             SELECT n.id, nlevel(n.path) AS level, p.id AS parent_id, ${values.map((v, i) => `${v} AS ${cols[i]}`).join(', ')}
             FROM ${staging} s
             JOIN ${t.table} n ON n.code = s.code
             LEFT JOIN ${t.table} p ON p.code = s.parent_code
             ${t.joins}
             WHERE s.depth = $1
               AND (n.parent_id, ${cols.map((col) => `n.${col}`).join(', ')}) IS DISTINCT FROM (p.id, ${values.join(', ')})
           )
           UPDATE ${t.table} n SET parent_id = c.parent_id, ${cols.map((col) => `${col} = c.${col}`).join(', ')}, updated_at = now()
           FROM changed c WHERE n.id = c.id AND c.level = (SELECT max(level) FROM changed)`,
          [depth],
        );
        if (!updated.rowCount) break;
        counts.updated += updated.rowCount;
      }
      const inserted = await c.query(
        `INSERT INTO ${t.table} (code, parent_id, ${cols.join(', ')})
         SELECT s.code, p.id, ${values.join(', ')}
         FROM ${staging} s
         LEFT JOIN ${t.table} p ON p.code = s.parent_code
         ${t.joins}
         WHERE s.depth = $1 AND NOT EXISTS (SELECT 1 FROM ${t.table} n WHERE n.code = s.code)`,
        [depth],
      );
      counts.inserted += inserted.rowCount ?? 0;
    }
    return counts;
  }
}
