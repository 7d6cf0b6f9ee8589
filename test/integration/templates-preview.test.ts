import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '../../src/auth/auth.module';
import { HttpExceptionFilter } from '../../src/common/http-exception.filter';
import { JsonLogger } from '../../src/common/json-logger';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { TemplatesModule } from '../../src/notifications/templates/templates.module';
import { ADMIN_KEY } from '../support/api';
import { freshDatabase, TestDatabase } from '../support/db';

// The preview behind the real auth guard and error filter, whatever else the api role holds.
@Module({ imports: [ConfigModule, DatabaseModule.forRole('api'), AuthModule, TemplatesModule] })
class PreviewApp {}

describe('GET /v1/templates/preview', () => {
  let app: INestApplication;
  let database: TestDatabase;
  let baseUrl: string;
  let nocKey: string;
  let managerKey: string;

  const get = async (query: string, key: string | null = ADMIN_KEY) => {
    const res = await fetch(`${baseUrl}/v1/templates/preview?${query}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    return { status: res.status, body: (await res.json()) as any };
  };
  const createKey = async (role: string) => {
    const res = await fetch(`${baseUrl}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `${role}-test`, role }),
    });
    return ((await res.json()) as { key: string }).key;
  };

  beforeAll(async () => {
    database = await freshDatabase();
    Object.assign(process.env, { DATABASE_URL: database.url, ADMIN_API_KEY: ADMIN_KEY, PUBLIC_BASE_URL: 'https://status.example.ru' });
    app = await NestFactory.create(PreviewApp, { logger: new JsonLogger('error') });
    app.useGlobalFilters(new HttpExceptionFilter());
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    nocKey = await createKey('noc');
    managerKey = await createKey('manager');
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
    delete process.env.PUBLIC_BASE_URL;
  });

  it('should render the sample SMS with its encoding and segments for noc and admin', async () => {
    for (const key of [nocKey, ADMIN_KEY]) {
      const res = await get('kind=notice&locale=ru&channel=sms', key);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ kind: 'notice', locale: 'ru', channel: 'sms', encoding: 'ucs2', segments: 2 });
      expect(res.body.text).toContain('https://status.example.ru/s/7KQF-M2XA/ru');
      expect(res.body.characters).toBe(res.body.text.length);
    }
  });

  it('should render the sample email with subject and HTML', async () => {
    const res = await get('kind=restored&locale=en&channel=email', nocKey);
    expect(res.status).toBe(200);
    expect(res.body.subject).toMatch(/^Your service is back: .* \[7KQF-M2XA\]$/);
    expect(res.body.html).toContain('<a href="https://status.example.ru/s/7KQF-M2XA/en">'); // the page in the message's language
  });

  it('should answer 422 naming the bad query fields', async () => {
    const res = await get('kind=notice&locale=de');
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { field: 'locale', message: 'must be one of ru, en' },
      { field: 'channel', message: 'is required' },
    ]);
  });

  it('should refuse managers and callers without a key', async () => {
    expect((await get('kind=notice&locale=ru&channel=sms', managerKey)).status).toBe(403);
    expect((await get('kind=notice&locale=ru&channel=sms', null)).status).toBe(401);
  });
});
