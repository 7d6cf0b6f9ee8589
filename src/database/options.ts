import { DataSourceOptions } from 'typeorm';
import { join } from 'path';
import type { DatabaseTimeouts } from '../config/app-config';

/** The pool's settings for these timeouts: node-postgres sends statement_timeout and lock_timeout at connect, per session. */
export function timeoutOptions(t: DatabaseTimeouts): Record<string, number> {
  return { statement_timeout: t.statementMs, lock_timeout: t.lockMs, connectionTimeoutMillis: t.connectMs };
}

/**
 * The one data-source definition: used by the app, the tests and the migration CLI (which sets
 * no timeouts: a migration may rewrite a big table).
 */
export function dataSourceOptions(url = process.env.DATABASE_URL, timeouts?: DatabaseTimeouts): DataSourceOptions {
  if (!url) throw new Error('Configuration error: DATABASE_URL is missing');
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    entities: [join(__dirname, '..', '**', '*.entity.{ts,js}')],
    migrations: [join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    extra: {
      max: Number(process.env.DATABASE_POOL_SIZE ?? 20),
      application_name: `outage-notifier-${process.env.ROLE ?? 'cli'}`,
      ...(timeouts && timeoutOptions(timeouts)),
    },
  };
}
