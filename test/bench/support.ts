import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { JsonLogger } from '../../src/common/json-logger';
import { dataSourceOptions } from '../../src/database/options';
import { createApiApp } from '../../src/http';
import { withDatabase } from '../support/db';

export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

/** `--name value` from the command line, else the fallback. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** A migrated database kept between runs under `name`, so a 2M-row seed is paid once. */
export async function benchDatabase(name: string): Promise<string> {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('DATABASE_URL is not set: run through the npm script, which starts the servers');
  const admin = new Client({ connectionString: withDatabase(server, 'postgres') });
  await admin.connect();
  const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount === 1;
  if (!exists) await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(server, name);
  const ds = new DataSource({ ...dataSourceOptions(url), entities: [] });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  return url;
}

/** The real HTTP app, in this process, over `databaseUrl`. */
export async function startApi(databaseUrl: string): Promise<{ app: INestApplication; baseUrl: string }> {
  Object.assign(process.env, { DATABASE_URL: databaseUrl, ADMIN_API_KEY: BENCH_ADMIN_KEY });
  const app = await createApiApp(new JsonLogger(process.env.LOG_LEVEL ?? 'warn'));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}

export async function postJson(baseUrl: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = process.hrtime.bigint();
  const result = await fn();
  return { result, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** One line of the report: the figure, its target and whether it holds. */
export function report(label: string, value: string, target?: { ok: boolean; text: string }): boolean {
  const verdict = target ? `${target.ok ? 'PASS' : 'FAIL'}  (target ${target.text})` : '';
  console.log(`${label.padEnd(44)} ${value.padStart(14)}  ${verdict}`);
  return target?.ok ?? true;
}
