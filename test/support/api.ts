import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../../src/common/clock';
import { createApiApp } from '../../src/http';
import { JsonLogger } from '../../src/common/json-logger';
import { freshDatabase, TestDatabase } from './db';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** The real HTTP app on a random port, over its own fresh database. */
export class TestApi {
  private constructor(
    readonly app: INestApplication,
    readonly baseUrl: string,
    readonly database: TestDatabase,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<TestApi> {
    const database = await freshDatabase();
    // A queue prefix of the suite's own (unless it chose one): its queues and rate-limit counters are not another suite's.
    const prefix = process.env.QUEUE_PREFIX ?? `test-${randomBytes(4).toString('hex')}`;
    // Suites walk every route with wrong keys; the limit on those is rate-limits.test's business.
    const authFailures = process.env.RATE_LIMIT_AUTH_FAILURES ?? '0';
    Object.assign(process.env, {
      DATABASE_URL: database.url, ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'error', QUEUE_PREFIX: prefix, RATE_LIMIT_AUTH_FAILURES: authFailures, ...env,
    });
    const app = await createApiApp(new JsonLogger('error'));
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    return new TestApi(app, `http://127.0.0.1:${address.port}`, database);
  }

  /** Freezes the service's clock at `iso` (moves it when called again); real time otherwise. */
  setNow(iso: string): void {
    const at = new Date(iso);
    if (Number.isNaN(at.getTime())) throw new Error(`bad time ${iso}`);
    this.app.get(Clock).now = () => new Date(at);
  }

  get db(): DataSource {
    return this.app.get(DataSource);
  }

  async request<T = any>(
    method: string,
    path: string,
    opts: { key?: string | null; body?: unknown; raw?: string | Buffer; contentType?: string } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    const key = opts.key === undefined ? ADMIN_KEY : opts.key;
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | Buffer | undefined;
    if (opts.raw !== undefined) {
      body = opts.raw;
      headers['content-type'] = opts.contentType ?? 'text/plain';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string, key?: string | null) {
    return this.request<T>('GET', path, { key });
  }

  post<T = any>(path: string, body: unknown, key?: string | null) {
    return this.request<T>('POST', path, { body, key });
  }

  patch<T = any>(path: string, body: unknown, key?: string | null) {
    return this.request<T>('PATCH', path, { body, key });
  }

  /** Creates a key with the given role and returns it. */
  async keyFor(role: 'admin' | 'noc' | 'manager'): Promise<string> {
    const res = await this.post('/v1/api-keys', { name: `${role}-test`, role });
    if (res.status !== 201) throw new Error(`could not create ${role} key: ${JSON.stringify(res.body)}`);
    return res.body.key;
  }

  async count(table: string): Promise<number> {
    const rows = await this.db.query(`SELECT count(*)::int AS n FROM ${table}`);
    return rows[0].n;
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.database.drop();
  }
}
