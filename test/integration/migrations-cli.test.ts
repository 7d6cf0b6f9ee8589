import { spawnSync } from 'child_process';
import { readdirSync } from 'fs';
import { join } from 'path';
import { Client } from 'pg';
import { testDatabaseName, withDatabase } from '../support/db';

/**
 * The migration CLI as operators run it (`npm run migration:run`, docker/compose.yml's migrations
 * service): on an empty database, every migration applies, including those that build indexes
 * CONCURRENTLY outside a transaction, and the last one reverts and applies again.
 */
describe('migration CLI', () => {
  const root = join(__dirname, '..', '..');
  const server = process.env.DATABASE_URL!;
  const name = testDatabaseName('mig');
  const url = withDatabase(server, name);
  const cli = (command: string) =>
    spawnSync(process.execPath, [join(root, 'node_modules', 'typeorm', 'cli.js'), command, '-d', join(root, 'dist', 'src', 'database', 'data-source.js')], {
      cwd: root, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8', timeout: 120_000,
    });
  const query = async (sql: string) => {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(sql)).rows;
    } finally {
      await c.end();
    }
  };
  const messageIndexes = async () => (await query(`SELECT indexname FROM pg_indexes WHERE tablename = 'messages' ORDER BY 1`)).map((r) => r.indexname);

  beforeAll(async () => {
    const admin = new Client({ connectionString: withDatabase(server, 'postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`).finally(() => admin.end());
  });
  afterAll(async () => {
    const admin = new Client({ connectionString: withDatabase(server, 'postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => admin.end());
  });

  it('should apply every migration, revert the last and apply it again', async () => {
    const run = cli('migration:run');
    expect({ status: run.status, failure: run.status ? run.stdout.slice(-2000) + run.stderr : '' }).toEqual({ status: 0, failure: '' });
    const files = readdirSync(join(root, 'migrations')).filter((f) => f.endsWith('.ts'));
    expect((await query(`SELECT count(*)::int AS n FROM migrations`))[0].n).toBe(files.length);
    expect(await messageIndexes()).toEqual(['messages_incident_dedupe', 'messages_pkey', 'messages_subscriber']);

    const revert = cli('migration:revert');
    expect({ status: revert.status, failure: revert.status ? revert.stdout.slice(-2000) + revert.stderr : '' }).toEqual({ status: 0, failure: '' });
    expect(await messageIndexes()).toEqual(['messages_dedupe_key_key', 'messages_incident', 'messages_pkey', 'messages_subscriber']);

    const again = cli('migration:run');
    expect({ status: again.status, failure: again.status ? again.stdout.slice(-2000) + again.stderr : '' }).toEqual({ status: 0, failure: '' });
    expect(await messageIndexes()).toEqual(['messages_incident_dedupe', 'messages_pkey', 'messages_subscriber']);
  });
});
