import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createHash, randomBytes } from 'crypto';
import { WorkerModule } from '../../src/app.modules';
import { JsonLogger } from '../../src/common/json-logger';
import { UnsubscribeLinks } from '../../src/email/unsubscribe-links';
import { signUnsubscribeToken } from '../../src/email/unsubscribe-token';
import { createApiApp } from '../../src/http';
import { TestApi } from '../support/api';
import { newArea, newSubscriber } from '../support/factories';

/**
 * With no UNSUBSCRIBE_SECRET the links' key is random, made once and kept in the database: the
 * api (which checks links) and the worker (which signs them) agree, and the key that used to be
 * derived from DATABASE_URL (which anyone with the example URL could compute) signs nothing.
 */
describe('unsubscribe signing key without UNSUBSCRIBE_SECRET', () => {
  let api: TestApi;
  let secondApi: INestApplication;
  let worker: INestApplicationContext;
  let subscriberId: number;

  beforeAll(async () => {
    delete process.env.UNSUBSCRIBE_SECRET;
    api = await TestApi.start({ QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`, CHANNELS: 'noop' });
    secondApi = await createApiApp(new JsonLogger('error'));
    await secondApi.init();
    worker = await Test.createTestingModule({ imports: [WorkerModule] }).setLogger(new JsonLogger('error')).compile();
    await worker.init();
    const area = await api.post('/v1/areas', newArea());
    const s = await api.post('/v1/subscribers', newSubscriber({ areaCode: area.body.code }));
    expect(s.status).toBe(201);
    subscriberId = s.body.id;
  });
  afterAll(async () => {
    await worker?.close();
    await secondApi?.close();
    await api?.stop();
  });

  const opens = async (url: string) => (await api.get(url.slice(url.indexOf('/v1/')), null)).status;

  it('should keep one random key in the database that the api and the worker share', async () => {
    const rows = await api.db.query(`SELECT value FROM settings WHERE name = 'unsubscribe_secret'`);
    expect(rows).toHaveLength(1);
    expect(rows[0].value).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const fromWorker = worker.get(UnsubscribeLinks).unsubscribeUrl(subscriberId);
    expect(fromWorker).toContain(signUnsubscribeToken(subscriberId, rows[0].value));
    expect(secondApi.get(UnsubscribeLinks).unsubscribeUrl(subscriberId)).toBe(fromWorker);
    expect(api.app.get(UnsubscribeLinks).unsubscribeUrl(subscriberId)).toBe(fromWorker);
    expect(await opens(fromWorker)).toBe(200);
  });

  it('should refuse a link signed with the key once derived from DATABASE_URL', async () => {
    const derived = createHash('sha256').update(`outage-notifier development unsubscribe key|${process.env.DATABASE_URL}`).digest('base64url');
    expect(await opens(`/v1/public/unsubscribe?token=${signUnsubscribeToken(subscriberId, derived)}`)).toBe(400);
    const [row] = await api.db.query(`SELECT email_consent FROM subscribers WHERE id = $1`, [subscriberId]);
    expect(row.email_consent).toBe(true);
  });
});
