import { INestApplication, Logger } from '@nestjs/common';
import { spawn } from 'child_process';
import { createServer } from 'net';
import { join } from 'path';
import { JsonLogger } from '../../src/common/json-logger';
import { createApiApp } from '../../src/http';
import { ADMIN_KEY, TestApi } from '../support/api';
import { freshDatabase, TestDatabase } from '../support/db';
import { newArea, newSubscriber } from '../support/factories';

/** Starts a TestApi with extra environment, putting the process environment back afterwards. */
async function startWith(env: Record<string, string>): Promise<TestApi> {
  const saved = { ...process.env };
  try {
    return await TestApi.start(env);
  } finally {
    process.env = saved;
  }
}

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('operations', () => {
  let api: TestApi;
  beforeAll(async () => (api = await TestApi.start()));
  afterAll(() => api.stop());

  describe('health', () => {
    it('should answer /health without a key', async () => {
      const res = await api.get('/health', null);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('should report /health/ready green when PostgreSQL and Redis are reachable', async () => {
      const res = await api.get('/health/ready', null);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        checks: { postgres: { ok: true, ms: expect.any(Number) }, redis: { ok: true, ms: expect.any(Number) } },
      });
    });
  });

  describe('with Redis unreachable', () => {
    let down: TestApi;
    beforeAll(async () => {
      down = await startWith({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    });
    afterAll(async () => {
      // Stopping must not hang on the dead connection (the hook's timeout would catch it; the
      // processes' own bound is in shutdown.test.ts).
      await down.stop();
    });

    it('should still boot and answer liveness and API requests', async () => {
      expect((await down.get('/health', null)).status).toBe(200);
      expect((await down.post('/v1/areas', newArea())).status).toBe(201);
    });

    it('should answer /health/ready with 503 naming Redis, at once rather than after its check timed out', async () => {
      const res = await down.get('/health/ready', null);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        status: 'unavailable',
        checks: { postgres: { ok: true }, redis: { ok: false, error: expect.stringMatching(/^connection is /) } },
      });
    });
  });

  describe('docs', () => {
    it('should serve the OpenAPI UI at /docs without a key', async () => {
      const res = await api.get('/docs', null);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.body).toMatch(/swagger-ui/i);
    });

    it('should list the reference-data and auth paths in the OpenAPI document', async () => {
      const res = await api.get('/docs-json', null);
      expect(res.status).toBe(200);
      expect(res.body.openapi).toMatch(/^3\./);
      const paths = res.body.paths as Record<string, Record<string, unknown>>;
      const ops = Object.entries(paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
      expect(ops).toEqual(
        expect.arrayContaining([
          'POST /v1/api-keys',
          'POST /v1/areas',
          'GET /v1/areas/{code}',
          'PATCH /v1/areas/{code}',
          'POST /v1/network-elements',
          'GET /v1/network-elements/{code}',
          'PATCH /v1/network-elements/{code}',
          'POST /v1/subscribers',
          'GET /v1/subscribers/{id}',
          'PATCH /v1/subscribers/{id}',
          'POST /v1/outage-managers',
          'GET /v1/outage-managers/{id}',
          'PATCH /v1/outage-managers/{id}',
          'GET /health',
          'GET /health/ready',
        ]),
      );
      const subscriber = res.body.components.schemas.CreateSubscriberDto;
      expect(Object.keys(subscriber.properties)).toEqual(
        expect.arrayContaining(['externalId', 'name', 'phone', 'email', 'timezone', 'quietHours', 'tier', 'areaCode']),
      );
      expect(res.body.components.securitySchemes).toHaveProperty('bearer');
    });

    it('should mark every key-protected operation as needing the bearer key', async () => {
      const paths = (await api.get('/docs-json', null)).body.paths as Record<string, Record<string, { security?: unknown[] }>>;
      const unmarked = Object.entries(paths)
        .filter(([path]) => path.startsWith('/v1/') && !path.startsWith('/v1/public/'))
        .flatMap(([path, methods]) => Object.entries(methods).map(([m, op]) => ({ op: `${m.toUpperCase()} ${path}`, security: op.security })))
        .filter((o) => !JSON.stringify(o.security ?? []).includes('bearer'))
        .map((o) => o.op);
      expect(unmarked).toEqual([]);
    });
  });

  describe('metrics', () => {
    it('should serve Prometheus text at /metrics without a key', async () => {
      const res = await api.get('/metrics', null);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*\bversion=0\.0\.4/);
      expect(res.body).toMatch(/^# HELP outage_process_cpu_seconds_total /m);
      expect(res.body).toMatch(/^# TYPE outage_process_resident_memory_bytes gauge$/m);
      expect(res.body).toMatch(/^outage_process_resident_memory_bytes \d+/m);
    });
  });
});

describe('logs', () => {
  const PHONE = '+79131234567';
  const EMAIL = 'anna.petrova@example.ru';
  let database: TestDatabase;
  let app: INestApplication;
  let baseUrl: string;
  let saved: NodeJS.ProcessEnv;

  beforeAll(async () => {
    saved = { ...process.env };
    database = await freshDatabase();
    Object.assign(process.env, { DATABASE_URL: database.url, ADMIN_API_KEY: ADMIN_KEY });
    await captureLogs(async () => {
      app = await createApiApp(new JsonLogger('debug'));
      await app.listen(0, '127.0.0.1');
    }); // the start-up lines are not what this suite looks at
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
    process.env = saved;
  });

  /** Everything the app writes to stdout while `work` runs, one parsed JSON object per line. */
  async function captureLogs(work: () => Promise<void>): Promise<{ raw: string; lines: Array<Record<string, unknown>> }> {
    const chunks: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return true;
    });
    try {
      await work();
    } finally {
      spy.mockRestore();
    }
    const raw = chunks.join('');
    return { raw, lines: raw.split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
  }

  const send = (method: string, path: string, body: unknown) =>
    fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('should never write a subscriber\'s phone or email when the subscriber is created and changed', async () => {
    const area = newArea();
    const { raw, lines } = await captureLogs(async () => {
      await send('POST', '/v1/areas', area);
      const created = await send('POST', '/v1/subscribers', newSubscriber({ areaCode: area.code, phone: '8 913 123-45-67', email: EMAIL }));
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: number };
      expect((await send('PATCH', `/v1/subscribers/${id}`, { email: 'Boris@Example.RU', phone: '+7 913 765 43 21' })).status).toBe(200);
      // What later code might well log about a subscriber, through Nest's Logger:
      new Logger('DeliveryProbe').warn({ msg: 'sms rejected', to: PHONE, email: EMAIL, subscriber: { phone: '8 913 765 43 21' } });
      new Logger('DeliveryProbe').error(new Error(`SMSC refused ${PHONE} (${EMAIL})`));
    });

    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['area created', 'subscriber created', 'sms rejected']));
    for (const secret of [PHONE, '9131234567', '913 123-45-67', EMAIL, 'anna.petrova', 'boris@example.ru', '9137654321', '913 765 43 21']) {
      expect(raw).not.toContain(secret);
    }
    const probe = lines.find((l) => l.msg === 'sms rejected')!;
    expect(probe).toMatchObject({ level: 'warn', context: 'DeliveryProbe', to: '+79*******67', email: 'a***@example.ru' });
    expect(lines.find((l) => l.level === 'error' && l.context === 'DeliveryProbe')?.msg).toBe('SMSC refused +79*******67 (a***@example.ru)');
  });
});

describe('start-up configuration', () => {
  /** Runs `main.ts api` with this environment (without DATABASE_URL etc. unless given) until it exits. */
  function runMain(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|REDIS_URL|ADMIN_API_KEY|DEFAULT_)/.test(k)));
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join('dist', 'src', 'main.js'), 'api'], {
        cwd: join(__dirname, '..', '..'),
        env: { ...base, PORT: '1', ...env } as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 50_000); // a configuration error stops it long before
      child.on('error', reject);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
  }

  it('should exit non-zero naming DATABASE_URL when it is not set', async () => {
    const { code, output } = await runMain({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(code).toBe(78);
    const fatal = output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((l) => l.level === 'fatal');
    expect(fatal?.msg).toMatch(/DATABASE_URL is missing/);
  });

  it('should exit non-zero naming DEFAULT_TIMEZONE when it is not an IANA zone', async () => {
    const { code, output } = await runMain({
      DATABASE_URL: 'postgres://127.0.0.1:1/none',
      REDIS_URL: 'redis://127.0.0.1:1',
      DEFAULT_TIMEZONE: 'Mars/Base',
    });
    expect(code).toBe(78);
    expect(output).toMatch(/DEFAULT_TIMEZONE is not an IANA time zone: \\?"Mars\/Base\\?"/);
  });
});
