import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'crypto';
import { createServer, Server, Socket } from 'net';
import { Client } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { WorkerModule } from '../../src/app.modules';
import { dataSourceOptions } from '../../src/database/options';
import { JsonLogger } from '../../src/common/json-logger';
import { TestApi } from '../support/api';

/**
 * Each role's sessions carry their own statement_timeout and lock_timeout: a slow statement or a
 * lock held by someone else cuts the api's request off with a clear 503 instead of hanging it
 * (and with it a connection of the pool).
 */
describe('timeouts towards PostgreSQL', () => {
  let api: TestApi;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    api = await TestApi.start({
      QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`, CHANNELS: 'noop',
      DB_API_STATEMENT_TIMEOUT_MS: '500', DB_API_LOCK_TIMEOUT_MS: '300', DB_WORKER_STATEMENT_TIMEOUT_MS: '123000', DB_WORKER_LOCK_TIMEOUT_MS: '45000',
    });
    worker = await Test.createTestingModule({ imports: [WorkerModule] }).setLogger(new JsonLogger('error')).compile();
    await worker.init();
    expect((await api.post('/v1/areas', { code: 'LOCKED', name: 'Before' })).status).toBe(201);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.stop();
  });

  it('should give each role its own timeouts', async () => {
    const show = async (db: DataSource) => (await db.query(`SELECT current_setting('statement_timeout') AS s, current_setting('lock_timeout') AS l`))[0];
    expect(await show(api.db)).toEqual({ s: '500ms', l: '300ms' });
    expect(await show(worker.get(DataSource))).toEqual({ s: '123s', l: '45s' });
  });

  it('should cancel a statement of the api that runs past its statement timeout', async () => {
    // Without the timeout this would outlast the test's own limit.
    const err = await api.db.query(`SELECT pg_sleep(120)`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryFailedError);
    expect((err as QueryFailedError & { code: string }).code).toBe('57014');
    expect((await api.db.query(`SELECT 1 AS ok`))[0].ok).toBe(1); // the pool's connection is usable again
  });

  it('should answer 503 DATABASE_BUSY and change nothing when a row stays locked past the lock timeout', async () => {
    const locker = new Client({ connectionString: api.database.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`SELECT * FROM areas WHERE code = 'LOCKED' FOR UPDATE`);
      const res = await api.patch('/v1/areas/LOCKED', { name: 'After' });
      expect(res.status).toBe(503);
      expect(res.body.error).toEqual({
        code: 'DATABASE_BUSY', message: 'the record is locked by another change that did not finish in time; nothing was changed, retry', details: [],
      });
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    expect((await api.get('/v1/areas/LOCKED')).body.name).toBe('Before');
    expect((await api.patch('/v1/areas/LOCKED', { name: 'After' })).status).toBe(200);
  });

  it('should give up opening a connection after the connect timeout when the server never answers', async () => {
    // A PostgreSQL that accepts the TCP connection and then says nothing, as during a failover.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const db = new DataSource({ ...dataSourceOptions(`postgres://nobody@127.0.0.1:${port}/outage`, { statementMs: 0, lockMs: 0, connectMs: 300 }), entities: [] });
    try {
      await expect(db.initialize()).rejects.toThrow(/timeout/i);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
