import { INestApplication } from '@nestjs/common';
import { createApiApp } from '../../src/http';
import { JsonLogger } from '../../src/common/json-logger';
import { TestApi } from '../support/api';
import { expectCreated, seedTopology } from '../support/topology';

const STRICT_CSP =
  "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;font-src 'self';connect-src 'self';" +
  "object-src 'none';base-uri 'none';form-action 'self';frame-ancestors 'none'";

/** The headers every page and answer carries, HSTS aside. */
function expectSecurityHeaders(headers: Headers, csp = STRICT_CSP): void {
  expect(headers.get('content-security-policy')).toBe(csp);
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-frame-options')).toBe('DENY');
}

/** No inline script or style: the policy would block them, and nothing injected may run. */
function expectNothingInline(html: string): void {
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  expect(html).not.toMatch(/<style\b/i);
  expect(html).not.toMatch(/\sstyle=/i);
  expect(html).not.toMatch(/\son[a-z]+=/i);
}

describe('security headers', () => {
  let api: TestApi;
  let code: string;

  beforeAll(async () => {
    api = await TestApi.start({ TRUST_PROXY: 'loopback' });
    await seedTopology(api);
    code = (await expectCreated(api, '/v1/incidents', { title: 'Fibre cut', kind: 'outage', scope: { areaCodes: ['RU'] } })).code;
  });
  afterAll(async () => {
    delete process.env.TRUST_PROXY;
    await api.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(api.baseUrl + path, { headers });

  it('should send the strict policy on the status page, which has no inline script or style, and serve its files', async () => {
    const res = await get(`/status/${code}`);
    expect(res.status).toBe(200);
    expectSecurityHeaders(res.headers);
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=30/); // still cacheable
    const html = await res.text();
    expectNothingInline(html);
    for (const [path, type] of [['/status/assets/page.js', 'text/javascript'], ['/status/assets/page.css', 'text/css']]) {
      expect(html).toContain(path);
      const asset = await get(path);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toContain(type);
      expectSecurityHeaders(asset.headers);
    }
    expect((await get('/status/assets/other.js')).status).toBe(404);
    // Its icon is the console's.
    expect(html).toContain('<link rel="icon" type="image/svg+xml" href="/console/favicon.svg">');
    const icon = await get('/console/favicon.svg');
    expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
  });

  it('should send it on the page of an unknown code too', async () => {
    const res = await get('/status/NOPE-0000');
    expect(res.status).toBe(404);
    expectSecurityHeaders(res.headers);
    expectNothingInline(await res.text());
  });

  it('should send it on the unsubscribe pages, which take their style from a file', async () => {
    const res = await get('/v1/public/unsubscribe?token=1.forged');
    expect(res.status).toBe(400);
    expectSecurityHeaders(res.headers);
    const html = await res.text();
    expectNothingInline(html);
    expect(html).toContain('/v1/public/unsubscribe/page.css');
    const css = await get('/v1/public/unsubscribe/page.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it('should send the headers on JSON answers and errors too', async () => {
    expectSecurityHeaders((await get('/health')).headers);
    expectSecurityHeaders((await get('/v1/areas')).headers); // 401
  });

  it('should allow the console inline styles (its UI library writes its theme so) and nothing more', async () => {
    const res = await get('/console/');
    expectSecurityHeaders(res.headers, STRICT_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"));
  });

  it('should allow /docs its inline styles and nothing more', async () => {
    const res = await get('/docs');
    expect(res.status).toBe(200);
    expectSecurityHeaders(res.headers, STRICT_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"));
  });

  it('should send HSTS only when the request came over HTTPS through a trusted proxy', async () => {
    expect((await get(`/status/${code}`)).headers.get('strict-transport-security')).toBeNull();
    const https = await get(`/status/${code}`, { 'x-forwarded-proto': 'https' });
    expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000');
  });

  describe('with no trusted proxy, and docs and metrics turned off', () => {
    let app: INestApplication;
    let baseUrl: string;

    beforeAll(async () => {
      Object.assign(process.env, { TRUST_PROXY: 'false', API_DOCS: 'false', API_METRICS: 'false' });
      app = await createApiApp(new JsonLogger('error'));
      await app.listen(0, '127.0.0.1');
      baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    });
    afterAll(async () => {
      for (const v of ['API_DOCS', 'API_METRICS']) delete process.env[v];
      await app?.close();
    });

    it('should not believe a client claiming HTTPS', async () => {
      const res = await fetch(`${baseUrl}/status/${code}`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('strict-transport-security')).toBeNull();
    });

    it('should answer 404 on /docs and /metrics', async () => {
      for (const path of ['/docs', '/docs-json', '/metrics']) {
        const res = await fetch(baseUrl + path);
        expect(res.status).toBe(404);
        expectSecurityHeaders(res.headers);
      }
    });
  });
});
