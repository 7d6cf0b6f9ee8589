import { randomBytes } from 'crypto';
import { Client } from 'pg';

/** Test database names carry their creation time, so leftovers can be told from live ones. */
export function testDatabaseName(kind: string): string {
  return `outage_test_${kind}_${Math.floor(Date.now() / 1000)}_${randomBytes(3).toString('hex')}`;
}

export function isStale(name: string, maxAgeSeconds = 3 * 3600): boolean {
  const created = Number(/^outage_test_[a-z]+_(\d+)_/.exec(name)?.[1] ?? 0);
  return Date.now() / 1000 - created > maxAgeSeconds;
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the suites with `npm test`, which starts PostgreSQL and Redis');
  return url;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database cloned from the migrated template: each suite gets its own. */
export async function freshDatabase(): Promise<TestDatabase> {
  const name = testDatabaseName('db');
  const admin = new Client({ connectionString: withDatabase(serverUrl(), 'postgres') });
  await admin.connect();
  try {
    const template = process.env.TEST_TEMPLATE_DB;
    if (!template) throw new Error('TEST_TEMPLATE_DB is not set: the global setup did not run');
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(serverUrl(), name),
    name,
    async drop() {
      const c = new Client({ connectionString: withDatabase(serverUrl(), 'postgres') });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => c.end());
    },
  };
}
