import { ArgumentsHost } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { HttpExceptionFilter } from './http-exception.filter';

/** What the filter answers for an exception, through a stand-in for Express's response. */
function answer(exception: unknown): { status: number; body: any } {
  const out = { status: 0, body: undefined as any };
  const res = { headersSent: false, status: (s: number) => ((out.status = s), res), json: (b: unknown) => ((out.body = b), res) };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new HttpExceptionFilter().catch(exception, host);
  return out;
}

const pgError = (code: string, message: string) => new QueryFailedError('SELECT 1', [], Object.assign(new Error(message), { code }));

describe(HttpExceptionFilter.name, () => {
  it.each([
    ['a statement timeout', pgError('57014', 'canceling statement due to statement timeout'), 'DATABASE_TIMEOUT'],
    ['a lock timeout', pgError('55P03', 'canceling statement due to lock timeout'), 'DATABASE_BUSY'],
    ['a connect timeout', new Error('Connection terminated due to connection timeout'), 'DATABASE_UNAVAILABLE'],
    ["the pool's connect timeout", new Error('timeout exceeded when trying to connect'), 'DATABASE_UNAVAILABLE'],
  ])('should answer 503 when the database cut the request off by %s', (_what, exception, code) => {
    expect(answer(exception)).toMatchObject({ status: 503, body: { error: { code, message: expect.stringContaining('nothing was changed, retry') } } });
  });

  it.each([
    ['refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'cannot be reached'],
    ['shutting down', pgError('57P03', 'the database system is shutting down'), 'cannot be reached'],
    ['terminated by a fast shutdown', pgError('57P01', 'terminating connection due to administrator command'), 'was lost'],
    ['gone mid-query', new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly')), 'was lost'],
  ])('should answer 503 DATABASE_UNAVAILABLE when the database is %s', (_what, exception, message) => {
    expect(answer(exception)).toMatchObject({ status: 503, body: { error: { code: 'DATABASE_UNAVAILABLE', message: expect.stringContaining(message) } } });
  });

  it('should answer 500 without details when the error is anything else', () => {
    expect(answer(pgError('42P01', 'relation "x" does not exist'))).toEqual({
      status: 500, body: { error: { code: 'INTERNAL', message: 'internal error; it has been logged', details: [] } },
    });
  });
});
