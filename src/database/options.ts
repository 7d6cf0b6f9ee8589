import { DataSourceOptions } from 'typeorm';
import { join } from 'path';
import type { DatabaseTimeouts } from '../config/app-config';

/**
 * The pool's settings for these timeouts: node-postgres sends statement_timeout and lock_timeout
 * at connect, per session. PgBouncer in transaction mode refuses them there (its server
 * connections serve many clients), so in that mode only the client's own connect timeout is set.
 */
export function timeoutOptions(t: DatabaseTimeouts, poolMode: 'session' | 'transaction' = 'session'): Record<string, number> {
  const session: Record<string, number> = poolMode === 'session' ? { statement_timeout: t.statementMs, lock_timeout: t.lockMs } : {};
  return { ...session, connectionTimeoutMillis: t.connectMs };
}

/**
 * The one data-source definition: used by the app, the tests and the migration CLI (which sets
 * no timeouts: a migration may rewrite a big table).
 */
export function dataSourceOptions(url = process.env.DATABASE_URL, timeouts?: DatabaseTimeouts, poolMode?: 'session' | 'transaction'): DataSourceOptions {
  if (!url) throw new Error('Configuration error: DATABASE_URL is missing');
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    entities: [join(__dirname, '..', '**', '*.entity.{ts,js}')],
    migrations: [join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    // Each migration in its own transaction, as the tests and the demo run them: the CLI's default
    // ("all" in one) refuses a migration that runs outside a transaction (CREATE INDEX CONCURRENTLY).
    migrationsTransactionMode: 'each',
    extra: {
      max: Number(process.env.DATABASE_POOL_SIZE ?? 20),
      application_name: `outage-notifier-${process.env.ROLE ?? 'cli'}`,
      ...(timeouts && timeoutOptions(timeouts, poolMode)),
    },
  };
}
