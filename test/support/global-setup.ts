import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/options';
import { isStale, testDatabaseName, withDatabase } from './db';

/**
 * Builds a template database once per run from the real migrations; each suite clones it.
 * Names are per run, so two runs on one server do not disturb each other.
 */
export default async function globalSetup(): Promise<void> {
  // Workers the tests start serve no /metrics unless a test asks (many run at once on one machine).
  process.env.WORKER_METRICS_PORT ??= '0';
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) return; // unit tests alone need no servers
  const template = testDatabaseName('tpl');
  process.env.TEST_TEMPLATE_DB = template; // inherited by the test workers
  const admin = new Client({ connectionString: withDatabase(process.env.DATABASE_URL, 'postgres') });
  await admin.connect();
  try {
    // Leftovers of crashed runs, by the time in their name; a younger one may belong to a live run.
    const old = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'outage_test_%'`);
    for (const { datname } of old.rows.filter((r) => isStale(r.datname))) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
    }
    await admin.query(`CREATE DATABASE "${template}"`);
  } finally {
    await admin.end();
  }
  const ds = new DataSource({ ...dataSourceOptions(withDatabase(process.env.DATABASE_URL, template)), entities: [] });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
}
