import { ConfigError, loadConfig, redisPrefix } from './app-config';

const VALID = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/outage',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

/** The error loadConfig throws for this environment, or a failure when it does not throw. */
function errorFor(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig({ ...VALID, ...env });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe(loadConfig.name, () => {
  it('should apply the documented defaults when only the URLs are set', () => {
    const sut = loadConfig({ ...VALID });
    expect(sut).toMatchObject({
      port: 3000,
      databaseUrl: VALID.DATABASE_URL,
      redis: { mode: 'single', url: VALID.REDIS_URL },
      queuePrefix: 'outage',
      adminApiKey: undefined,
      defaultTimezone: 'Europe/Moscow',
      defaultQuietHours: { start: 21 * 60, end: 9 * 60 },
      defaultPhoneRegion: 'RU',
      logLevel: 'info',
      maxJsonBody: '1mb',
      publicBaseUrl: 'http://localhost:3000',
      workerConcurrency: 4,
      emailWorkerConcurrency: 1,
    });
  });

  it('should read every variable when all are given', () => {
    const sut = loadConfig({
      ...VALID,
      PORT: '8080',
      ADMIN_API_KEY: 'a-long-enough-admin-key',
      DEFAULT_TIMEZONE: 'Asia/Vladivostok',
      DEFAULT_QUIET_HOURS: '22:30-07:15',
      DEFAULT_PHONE_REGION: 'kz',
      LOG_LEVEL: 'debug',
      MAX_JSON_BODY: '512kb',
      PUBLIC_BASE_URL: 'https://status.example.net/',
      WORKER_CONCURRENCY: '16',
      EMAIL_WORKER_CONCURRENCY: '3',
    });
    expect(sut).toMatchObject({
      port: 8080,
      adminApiKey: 'a-long-enough-admin-key',
      defaultTimezone: 'Asia/Vladivostok',
      defaultQuietHours: { start: 22 * 60 + 30, end: 7 * 60 + 15 },
      defaultPhoneRegion: 'KZ',
      logLevel: 'debug',
      maxJsonBody: '512kb',
      publicBaseUrl: 'https://status.example.net',
      workerConcurrency: 16,
      emailWorkerConcurrency: 3,
    });
  });

  it('should give the api tighter database timeouts than the worker, each set by its own variables', () => {
    expect(loadConfig({ ...VALID }).databaseTimeouts).toEqual({
      api: { statementMs: 30_000, lockMs: 10_000, connectMs: 5_000 },
      worker: { statementMs: 600_000, lockMs: 60_000, connectMs: 10_000 },
    });
    const sut = loadConfig({ ...VALID, DB_API_STATEMENT_TIMEOUT_MS: '0', DB_WORKER_LOCK_TIMEOUT_MS: '5000', DB_WORKER_CONNECT_TIMEOUT_MS: '2500' });
    expect(sut.databaseTimeouts.api.statementMs).toBe(0);
    expect(sut.databaseTimeouts.worker).toEqual({ statementMs: 600_000, lockMs: 5000, connectMs: 2500 });
    expect(errorFor({ DB_API_LOCK_TIMEOUT_MS: '10s' }).variable).toBe('DB_API_LOCK_TIMEOUT_MS');
  });

  it('should read the proxy trust, HSTS and the docs and metrics switches', () => {
    expect(loadConfig({ ...VALID })).toMatchObject({ trustProxy: false, hstsMaxAgeSeconds: 31_536_000, docsEnabled: true, metricsEnabled: true });
    expect(loadConfig({ ...VALID, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...VALID, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback,10.0.0.0/8');
    expect(loadConfig({ ...VALID, API_DOCS: 'off', API_METRICS: 'false' })).toMatchObject({ docsEnabled: false, metricsEnabled: false });
    expect(errorFor({ TRUST_PROXY: 'my-proxy' }).variable).toBe('TRUST_PROXY');
    expect(errorFor({ API_DOCS: 'hidden' }).variable).toBe('API_DOCS');
  });

  it('should read the rate limits, 0 turning one off, when RATE_LIMIT_* are set', () => {
    expect(loadConfig({ ...VALID }).rateLimits).toEqual({
      authFailures: { points: 20, windowSeconds: 600 }, apiRequests: { points: 1200, windowSeconds: 60 }, unknownCodes: { points: 30, windowSeconds: 600 },
    });
    const sut = loadConfig({ ...VALID, RATE_LIMIT_API_REQUESTS: '0', RATE_LIMIT_UNKNOWN_CODES_WINDOW_SECONDS: '60' });
    expect(sut.rateLimits.apiRequests.points).toBe(0);
    expect(sut.rateLimits.unknownCodes).toEqual({ points: 30, windowSeconds: 60 });
    expect(errorFor({ RATE_LIMIT_AUTH_FAILURES: 'many' }).variable).toBe('RATE_LIMIT_AUTH_FAILURES');
    expect(errorFor({ RATE_LIMIT_AUTH_FAILURES_WINDOW_SECONDS: '0' }).variable).toBe('RATE_LIMIT_AUTH_FAILURES_WINDOW_SECONDS');
  });

  it('should take receipts by esm_class only unless SMSC_PLAIN_TEXT_RECEIPTS is set', () => {
    expect(loadConfig({ ...VALID }).smsc.plainTextReceipts).toBe(false);
    expect(loadConfig({ ...VALID, SMSC_PLAIN_TEXT_RECEIPTS: 'true' }).smsc.plainTextReceipts).toBe(true);
    expect(errorFor({ SMSC_PLAIN_TEXT_RECEIPTS: 'maybe' }).variable).toBe('SMSC_PLAIN_TEXT_RECEIPTS');
  });

  it('should open one receiver bind besides SMSC_BINDS unless SMSC_RECEIVER_BINDS says otherwise, 0 to 32', () => {
    expect(loadConfig({ ...VALID }).smsc.receiverBinds).toBe(1);
    expect(loadConfig({ ...VALID, SMSC_RECEIVER_BINDS: '0' }).smsc.receiverBinds).toBe(0);
    expect(loadConfig({ ...VALID, SMSC_RECEIVER_BINDS: '4', SMSC_ROUTES: '[{"name":"a"},{"name":"b","receiverBinds":2}]' }).smscRoutes.map((r) => r.receiverBinds)).toEqual([4, 2]);
    for (const bad of ['-1', '33', 'two', '1.5']) {
      const e = errorFor({ SMSC_RECEIVER_BINDS: bad });
      expect([e.variable, e.message]).toEqual(['SMSC_RECEIVER_BINDS', expect.stringContaining(`between 0 and 32, got "${bad}"`)]);
    }
    expect(errorFor({ SMSC_ROUTES: '[{"name":"a","receiverBinds":40}]' }).variable).toBe('SMSC_ROUTES[0].receiverBinds');
  });

  it('should make the SMSC_* settings the one route named default when SMSC_ROUTES is unset', () => {
    const sut = loadConfig({ ...VALID, SMSC_HOST: 'smsc.example.net', SMSC_WINDOW: '20' });
    expect(sut.smscRoutes).toEqual([{ ...sut.smsc, name: 'default', prefixes: [], weight: 1 }]);
    expect(sut.smscRoutes[0]).toMatchObject({ host: 'smsc.example.net', window: 20, port: 2775 });
  });

  it('should not quote SMSC_ROUTES, passwords and all, when it is not JSON', () => {
    const sut = errorFor({ SMSC_ROUTES: '[{"name":"a","password":hunter2}]' });
    expect(sut.variable).toBe('SMSC_ROUTES');
    expect(sut.message).not.toContain('hunter2');
  });

  it('should read each SMSC_ROUTES entry over the SMSC_* settings when several SMSCs are listed', () => {
    const routes = [
      { name: 'mts', host: 'smpp.mts.example', port: 2776, systemId: 'noc', password: 'p1', prefixes: ['+7916', '7915'], weight: 3, window: 10, gsmDataCoding: 1 },
      { name: 'aggregator', host: 'smpp.agg.example', sourceAddress: '79001234567', bindMode: 'transmitter-receiver', plainTextReceipts: true },
    ];
    const sut = loadConfig({ ...VALID, SMSC_MAX_RATE: '40', SMSC_ROUTES: JSON.stringify(routes) });
    expect(sut.smscRoutes).toHaveLength(2);
    expect(sut.smscRoutes[0]).toMatchObject({ name: 'mts', host: 'smpp.mts.example', port: 2776, prefixes: ['7916', '7915'], weight: 3, window: 10, gsmDataCoding: 1, maxRate: 40 });
    expect(sut.smscRoutes[1]).toMatchObject({
      name: 'aggregator', port: 2775, prefixes: [], weight: 1, sourceAddress: '79001234567', bindMode: 'transmitter-receiver', plainTextReceipts: true, window: 50,
    });
  });

  it.each([
    ['not json', 'SMSC_ROUTES', 'not valid JSON'],
    ['[]', 'SMSC_ROUTES', 'at least one'],
    ['[{"name":"a","port":"x"}]', 'SMSC_ROUTES[0].port', '"x"'],
    ['[{"name":"a"},{"name":"b","window":0}]', 'SMSC_ROUTES[1].window', 'between 1 and 1000'],
    ['[{"name":"a","bindMode":"pair"}]', 'SMSC_ROUTES[0].bindMode', '"pair"'],
    ['[{"name":"a","sourceAddress":"Much too long a sender"}]', 'SMSC_ROUTES[0].sourceAddress', 'Much too long'],
    ['[{"name":"a","prefixes":"+7"}]', 'SMSC_ROUTES[0].prefixes', 'list of destination prefixes'],
    ['[{"name":"a","prefixes":["+7x"]}]', 'SMSC_ROUTES[0].prefixes', '+7x'],
    ['[{"name":"a","weight":-1}]', 'SMSC_ROUTES[0].weight', '-1'],
    ['[{"name":"a","hots":"typo"}]', 'SMSC_ROUTES[0].hots', 'not a setting'],
    ['[{"name":"a","host":{"x":1}}]', 'SMSC_ROUTES[0].host', 'string, number or boolean'],
    ['[{"host":"h"}]', 'SMSC_ROUTES[0].name', 'undefined'],
    ['[{"name":"A B"}]', 'SMSC_ROUTES[0].name', '"A B"'],
    ['[{"name":"a"},{"name":"a"}]', 'SMSC_ROUTES', '"a" twice'],
    ['[{"name":"a","prefixes":["7"]}]', 'SMSC_ROUTES', 'without prefixes'],
    ['["a"]', 'SMSC_ROUTES[0]', 'must be an object'],
    ['[{"name":"a","weight":0}]', 'SMSC_ROUTES', 'weight above 0'],
  ])('should stop naming the field when SMSC_ROUTES is %s', (routes, field, problem) => {
    const sut = errorFor({ SMSC_ROUTES: routes });
    expect(sut.variable).toBe(field);
    expect(sut.message).toContain(problem);
  });

  it('should take every queue by default, or only those WORKER_QUEUES lists, refusing unknown names', () => {
    expect(loadConfig(VALID).workerQueues).toBeUndefined();
    expect(loadConfig({ ...VALID, WORKER_QUEUES: 'deliveries-email' }).workerQueues).toEqual(['deliveries-email']);
    expect(() => loadConfig({ ...VALID, WORKER_QUEUES: 'deliveries-email,sms' })).toThrow(/WORKER_QUEUES.*"deliveries-email,sms"/);
  });

  it('should take send-only binds (SMSC_BIND_MODE=transmitter) and name the modes it knows when given another', () => {
    expect(loadConfig({ ...VALID, SMSC_BIND_MODE: 'transmitter' }).smscRoutes[0].bindMode).toBe('transmitter');
    expect(() => loadConfig({ ...VALID, SMSC_BIND_MODE: 'receiver' })).toThrow(/SMSC_BIND_MODE.*transceiver or transmitter-receiver or transmitter, got "receiver"/);
  });

  it('should refuse a receipt grace shorter than the lease, naming the variable', () => {
    expect(() => loadConfig({ ...VALID, CLAIM_LEASE_SECONDS: '300', INBOUND_RECEIPT_GRACE_SECONDS: '120' })).toThrow(
      /INBOUND_RECEIPT_GRACE_SECONDS.*at least CLAIM_LEASE_SECONDS \(300\)/,
    );
  });

  it.each([
    ['DATABASE_URL', undefined, 'is missing'],
    ['DATABASE_URL', '   ', 'is missing'],
    ['DATABASE_URL', 'not a url', 'is not a valid URL'],
    ['DATABASE_URL', 'mysql://localhost/outage', 'must use postgres:'],
    ['REDIS_URL', undefined, 'is missing'],
    ['REDIS_URL', 'http://localhost:6379', 'must use redis:'],
    ['DEFAULT_TIMEZONE', 'Mars/Base', 'Mars/Base'],
    ['DEFAULT_TIMEZONE', '+03:00', '+03:00'],
    ['DEFAULT_QUIET_HOURS', '21:00', '21:00'],
    ['DEFAULT_QUIET_HOURS', '21:00-9:00', '21:00-9:00'],
    ['DEFAULT_QUIET_HOURS', '21:00-24:00', '21:00-24:00'],
    ['DEFAULT_QUIET_HOURS', '21:00-09:00-10:00', '21:00-09:00-10:00'],
    ['DEFAULT_PHONE_REGION', 'RUS', 'RUS'],
    ['DEFAULT_PHONE_REGION', 'XX', 'XX'],
    ['PORT', 'http', 'http'],
    ['PORT', '0', 'between 1 and 65535'],
    ['PORT', '70000', '70000'],
    ['ADMIN_API_KEY', 'short', 'at least 16 characters'],
    ['LOG_LEVEL', 'loud', 'loud'],
    ['MAX_JSON_BODY', 'lots', 'lots'],
    ['MAX_JSON_BODY', '0', '0'],
    ['PUBLIC_BASE_URL', 'ftp://example.net', 'must use http:'],
    ['SMSC_PORT', '-1', '-1'],
    ['WORKER_CONCURRENCY', 'many', 'many'],
  ])('should stop naming %s when it is %p', (name, value, problem) => {
    const sut = errorFor({ [name]: value });
    expect(sut.variable).toBe(name);
    expect(sut.message).toContain(name);
    expect(sut.message).toContain(problem);
  });

  it('should not put the rejected admin key in the message when it is too short', () => {
    expect(errorFor({ ADMIN_API_KEY: 'tiny-secret' }).message).not.toContain('tiny-secret');
  });
});

describe('Redis in its managed forms', () => {
  it('should read a Cluster from REDIS_CLUSTER_NODES, without REDIS_URL, and tag the key prefix', () => {
    const sut = loadConfig({ DATABASE_URL: VALID.DATABASE_URL, REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-2.internal:7001,[::1]:7002', REDIS_PASSWORD: 's3cret' });
    expect(sut.redis).toEqual({
      mode: 'cluster',
      nodes: [{ host: '10.0.0.1', port: 7000 }, { host: 'redis-2.internal', port: 7001 }, { host: '::1', port: 7002 }],
      password: 's3cret',
    });
    expect(sut.queuePrefix).toBe('{outage}');
    expect(loadConfig({ ...VALID, REDIS_CLUSTER_NODES: '127.0.0.1:7000', QUEUE_PREFIX: 'prod' }).queuePrefix).toBe('{prod}');
  });

  it('should read a Sentinel group from REDIS_SENTINELS and REDIS_SENTINEL_NAME, the prefix as given', () => {
    const sut = loadConfig({ DATABASE_URL: VALID.DATABASE_URL, REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'notifier' });
    expect(sut.redis).toEqual({ mode: 'sentinel', sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }], name: 'notifier' });
    expect(sut.queuePrefix).toBe('outage');
    expect(loadConfig({ DATABASE_URL: VALID.DATABASE_URL, REDIS_SENTINELS: 's1:26379' }).redis).toMatchObject({ name: 'mymaster' });
  });

  it.each([
    [{ REDIS_CLUSTER_NODES: '127.0.0.1' }, 'REDIS_CLUSTER_NODES', 'must be host:port[,host:port…], got "127.0.0.1"'],
    [{ REDIS_CLUSTER_NODES: '127.0.0.1:70000' }, 'REDIS_CLUSTER_NODES', 'must be host:port[,host:port…], got "127.0.0.1:70000"'],
    [{ REDIS_SENTINELS: 'a:1,b c:2' }, 'REDIS_SENTINELS', 'must be host:port[,host:port…], got "b c:2"'],
    [{ REDIS_SENTINELS: 'a:1', REDIS_CLUSTER_NODES: 'b:2' }, 'REDIS_CLUSTER_NODES', 'cannot be set together with REDIS_SENTINELS: a deployment uses one or the other'],
  ])('should refuse %j naming the variable', (env, variable, problem) => {
    expect(errorFor(env)).toMatchObject({ variable, message: `Configuration error: ${variable} ${problem}` });
  });

  it('should still require REDIS_URL when neither form is set', () => {
    expect(errorFor({ REDIS_URL: undefined })).toMatchObject({ variable: 'REDIS_URL', message: 'Configuration error: REDIS_URL is missing' });
  });

  it.each([
    ['outage', 'cluster', '{outage}'],
    ['{outage}', 'cluster', '{outage}'],
    ['prod:{notifier}', 'cluster', 'prod:{notifier}'],
    ['a{}b', 'cluster', '{a{}b}'], // an empty tag hashes the whole key: not a tag
    ['outage', 'single', 'outage'],
    ['outage', 'sentinel', 'outage'],
  ] as const)('should make %s on %s %s', (prefix, mode, expected) => {
    expect(redisPrefix(prefix, mode)).toBe(expected);
  });
});
