import { spawnSync } from 'child_process';
import { readdirSync } from 'fs';
import { join } from 'path';
import { Client } from 'pg';
import { testDatabaseName, withDatabase } from '../support/db';

/**
 * The migration CLI as operators run it (`npm run migration:run`, docker/compose.yml's migrations
 * service): on an empty database, every migration applies, including those that build indexes
 * CONCURRENTLY outside a transaction, and the last three (all such) revert and apply again.
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
  const indexes = async (table: string) =>
    (await query(`SELECT indexname FROM pg_indexes WHERE tablename = '${table}' ORDER BY 1`)).map((r) => r.indexname);
  const ok = (r: ReturnType<typeof cli>) => ({ status: r.status, failure: r.status ? r.stdout.slice(-2000) + r.stderr : '' });
  const NEW_MESSAGES = ['messages_incident_dedupe', 'messages_pkey', 'messages_subscriber'];

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

  it('should apply every migration, revert the last three and apply them again', async () => {
    expect(ok(cli('migration:run'))).toEqual({ status: 0, failure: '' });
    const files = readdirSync(join(root, 'migrations')).filter((f) => f.endsWith('.ts'));
    expect((await query(`SELECT count(*)::int AS n FROM migrations`))[0].n).toBe(files.length);
    expect(await indexes('messages')).toEqual(NEW_MESSAGES);
    expect(await indexes('subscribers')).toEqual(expect.arrayContaining(['subscribers_affected_groups', 'subscribers_erased']));

    expect(ok(cli('migration:revert'))).toEqual({ status: 0, failure: '' });
    expect(await indexes('subscribers')).not.toContain('subscribers_erased');
    expect(await indexes('subscribers')).toContain('subscribers_affected_groups');
    expect(ok(cli('migration:revert'))).toEqual({ status: 0, failure: '' });
    expect(await indexes('subscribers')).not.toContain('subscribers_affected_groups');
    expect(await indexes('messages')).toEqual(NEW_MESSAGES);
    expect(ok(cli('migration:revert'))).toEqual({ status: 0, failure: '' });
    expect(await indexes('messages')).toEqual(['messages_dedupe_key_key', 'messages_incident', 'messages_pkey', 'messages_subscriber']);

    expect(ok(cli('migration:run'))).toEqual({ status: 0, failure: '' });
    expect(await indexes('messages')).toEqual(NEW_MESSAGES);
    expect(await indexes('subscribers')).toEqual(expect.arrayContaining(['subscribers_affected_groups', 'subscribers_erased']));
    expect((await query(`SELECT count(*)::int AS n FROM migrations`))[0].n).toBe(files.length);
  });
});
