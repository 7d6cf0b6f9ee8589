import { Logger } from '@nestjs/common';
import { QueryRunner } from 'typeorm';
import { CONFLICT_EXPECTED } from './sql';
import { TypeOrmJsonLogger } from './typeorm-logger';

describe(TypeOrmJsonLogger.name, () => {
  let error: jest.SpyInstance;
  let warn: jest.SpyInstance;
  beforeEach(() => {
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('should log a failed query without its parameters when they hold personal data', () => {
    const sut = new TypeOrmJsonLogger();
    const failure = Object.assign(new Error('duplicate key value violates unique constraint "subscribers_external_id_key"'), {
      code: '23505',
    });
    sut.logQueryError(failure, 'INSERT INTO subscribers (external_id, phone, email)\n  VALUES ($1, $2, $3)', ['S1', '+79131234567', 'anna@example.ru']);

    expect(error).toHaveBeenCalledTimes(1);
    const [entry] = error.mock.calls[0];
    expect(entry).toEqual({
      msg: 'query failed',
      error: 'duplicate key value violates unique constraint "subscribers_external_id_key"',
      code: '23505',
      query: 'INSERT INTO subscribers (external_id, phone, email) VALUES ($1, $2, $3)',
      parameters: 3,
    });
    expect(JSON.stringify(error.mock.calls)).not.toMatch(/79131234567|anna@/);
  });

  it('should leave out only the unique violation of a plain insert its caller writes again with ON CONFLICT', () => {
    const sut = new TypeOrmJsonLogger();
    const duplicate = Object.assign(new Error('duplicate key value violates unique constraint "message_parts_pkey"'), { code: '23505' });
    const other = Object.assign(new Error('value too long for type character varying(20)'), { code: '22001' });
    const expecting = { data: { [CONFLICT_EXPECTED]: true } } as unknown as QueryRunner;
    sut.logQueryError(duplicate, 'INSERT INTO message_parts …', [], expecting);
    expect(error).not.toHaveBeenCalled();
    sut.logQueryError(other, 'INSERT INTO message_parts …', [], expecting);
    sut.logQueryError(duplicate, 'INSERT INTO message_parts …', [], { data: {} } as unknown as QueryRunner);
    expect(error.mock.calls.map(([entry]) => entry.code)).toEqual(['22001', '23505']);
  });

  it('should log a slow query with its duration and a shortened text', () => {
    const sut = new TypeOrmJsonLogger();
    sut.logQuerySlow(1234, `SELECT ${'x, '.repeat(400)}1`, ['+79131234567']);
    const [entry] = warn.mock.calls[0];
    expect(entry).toMatchObject({ msg: 'slow query', ms: 1234, parameters: 1 });
    expect(entry.query.length).toBeLessThanOrEqual(501);
    expect(JSON.stringify(warn.mock.calls)).not.toContain('79131234567');
  });
});
