import { dataSourceOptions } from './options';

describe(dataSourceOptions.name, () => {
  const URL = 'postgres://postgres@127.0.0.1:5432/outage';

  it('should pass the timeouts to the pool when given a role\'s timeouts', () => {
    const sut = dataSourceOptions(URL, { statementMs: 30_000, lockMs: 10_000, connectMs: 5_000 });
    expect(sut.extra).toMatchObject({ statement_timeout: 30_000, lock_timeout: 10_000, connectionTimeoutMillis: 5_000 });
  });

  it('should set no timeout when none are given, as for migrations', () => {
    const sut = dataSourceOptions(URL);
    expect(sut.extra).not.toHaveProperty('statement_timeout');
    expect(sut.extra).not.toHaveProperty('lock_timeout');
  });
});

describe('dataSourceOptions behind PgBouncer in transaction mode', () => {
  it('should send no session parameter at connect, only the client\'s connect timeout', () => {
    const sut = dataSourceOptions('postgres://postgres@127.0.0.1:6432/outage', { statementMs: 30_000, lockMs: 10_000, connectMs: 5_000 }, 'transaction');
    expect(sut.extra).not.toHaveProperty('statement_timeout');
    expect(sut.extra).not.toHaveProperty('lock_timeout');
    expect(sut.extra).toMatchObject({ connectionTimeoutMillis: 5_000 });
  });
});
