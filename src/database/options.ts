import { DataSourceOptions } from 'typeorm';
import { join } from 'path';

/** The one data-source definition: used by the app, the tests and the migration CLI. */
export function dataSourceOptions(url = process.env.DATABASE_URL): DataSourceOptions {
  if (!url) throw new Error('Configuration error: DATABASE_URL is missing');
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    entities: [join(__dirname, '..', '**', '*.entity.{ts,js}')],
    migrations: [join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    extra: { max: Number(process.env.DATABASE_POOL_SIZE ?? 20), application_name: `outage-notifier-${process.env.ROLE ?? 'cli'}` },
  };
}
