import { AsyncLocalStorage } from 'async_hooks';
import type { AuditRow } from './audit.repository';

/** A change's audit row while its request runs; `id` once the change's transaction has written it. */
export interface PendingAudit {
  row: AuditRow;
  id?: string;
}

const pending = new AsyncLocalStorage<PendingAudit>();

export const INSERT_AUDIT_ROW = `INSERT INTO audit_log (api_key_id, role, method, route, status, incident_ids, subscriber_ids)
  VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text AS id`;

export const auditRowParams = (row: AuditRow): unknown[] =>
  [row.keyId, row.role, row.method, row.route, row.status, row.incidentIds, row.subscriberIds];

/** Runs a change's handler with its audit row pending, for the change's transaction to write. */
export function runWithPendingAudit<T>(audit: PendingAudit, handler: () => Promise<T>): Promise<T> {
  return pending.run(audit, handler);
}

/**
 * Writes the running request's audit row on the connection of the transaction about to commit, so
 * the change and its record commit together; once per request (its first commit), and nothing
 * outside a change's request (reads, the worker).
 */
export async function writePendingAudit(query: (sql: string, params: unknown[]) => Promise<Array<{ id: string }>>): Promise<void> {
  const audit = pending.getStore();
  if (!audit || audit.id) return;
  const [row] = await query(INSERT_AUDIT_ROW, auditRowParams(audit.row));
  audit.id = row.id;
}
