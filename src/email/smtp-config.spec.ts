import { ConfigError, loadConfig } from '../config/app-config';

const VALID = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/outage', REDIS_URL: 'redis://127.0.0.1:6379' };

function errorFor(env: Record<string, string>): string {
  try {
    loadConfig({ ...VALID, ...env });
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('SMTP and unsubscribe configuration', () => {
  it('should apply the documented defaults when no SMTP variable is set', () => {
    const sut = loadConfig({ ...VALID });
    expect(sut.smtp).toEqual({
      host: '127.0.0.1',
      port: 1025,
      user: undefined,
      password: undefined,
      from: 'Outage Notifier <noreply@example.net>',
      secure: false,
      starttls: 'opportunistic',
      poolSize: 5,
      ratePerSecond: 0,
      timeoutMs: 30_000,
      relayWaitSeconds: 30,
      messageIdDomain: 'example.net',
    });
  });

  it('should read every SMTP variable when all are given', () => {
    const sut = loadConfig({
      ...VALID,
      SMTP_HOST: 'smtp.example.org',
      SMTP_PORT: '465',
      SMTP_USER: 'outages',
      SMTP_PASSWORD: 'pw',
      SMTP_FROM: 'alerts@isp.example.org',
      SMTP_SECURE: 'true',
      SMTP_STARTTLS: 'required',
      SMTP_POOL_SIZE: '10',
      SMTP_RATE_PER_SECOND: '50',
      SMTP_TIMEOUT_MS: '5000',
      SMTP_RELAY_WAIT_SECONDS: '90',
      SMTP_MESSAGE_ID_DOMAIN: 'mail.isp.example.org',
    });
    expect(sut.smtp).toEqual({
      host: 'smtp.example.org',
      port: 465,
      user: 'outages',
      password: 'pw',
      from: 'alerts@isp.example.org',
      secure: true,
      starttls: 'required',
      poolSize: 10,
      ratePerSecond: 50,
      timeoutMs: 5000,
      relayWaitSeconds: 90,
      messageIdDomain: 'mail.isp.example.org',
    });
  });

  it.each([
    [{ SMTP_FROM: 'Outage Notifier' }, 'SMTP_FROM'],
    [{ SMTP_SECURE: 'yes' }, 'SMTP_SECURE'],
    [{ SMTP_STARTTLS: 'always' }, 'SMTP_STARTTLS'],
    [{ SMTP_POOL_SIZE: '0' }, 'SMTP_POOL_SIZE'],
    [{ SMTP_RATE_PER_SECOND: '-1' }, 'SMTP_RATE_PER_SECOND'],
    [{ SMTP_MESSAGE_ID_DOMAIN: 'bad domain' }, 'SMTP_MESSAGE_ID_DOMAIN'],
    [{ UNSUBSCRIBE_SECRET: 'short' }, 'UNSUBSCRIBE_SECRET'],
  ])('should refuse %j naming %s', (env, variable) => {
    expect(errorFor(env)).toContain(variable);
  });

  it('should take UNSUBSCRIBE_SECRET when it is set', () => {
    const secret = 'x'.repeat(32);
    expect(loadConfig({ ...VALID, NODE_ENV: 'production', UNSUBSCRIBE_SECRET: secret }).unsubscribeSecret).toBe(secret);
  });

  it('should leave the secret to the database when UNSUBSCRIBE_SECRET is unset, in production too', () => {
    expect(loadConfig({ ...VALID }).unsubscribeSecret).toBeUndefined();
    expect(loadConfig({ ...VALID, NODE_ENV: 'production' }).unsubscribeSecret).toBeUndefined();
  });
});
