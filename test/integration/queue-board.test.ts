import { join } from 'path';
import { Browser } from 'playwright-core';
import { QUEUES } from '../../src/jobs/queues';
import { ADMIN_KEY, TestApi } from '../support/api';
import { launchChromium, SCREENSHOTS } from '../support/browser';

const basic = (key: string) => `Basic ${Buffer.from(`admin:${key}`).toString('base64')}`;

/**
 * Bull Board at /admin/queues: admins only (their API key as the Basic password, since a browser
 * cannot add a Bearer header to a page it opens), read-only, under a policy that lets its own
 * scripts run and nothing else, and showing every queue in a real Chromium.
 */
describe('the queue board', () => {
  let api: TestApi;
  let nocKey: string;

  beforeAll(async () => {
    api = await TestApi.start();
    const created = await api.post('/v1/api-keys', { name: 'noc desk', role: 'noc' });
    expect(created.status).toBe(201);
    nocKey = created.body.key;
  });

  afterAll(async () => {
    await api?.app.close();
  });

  const get = (path: string, authorization?: string, method = 'GET') =>
    fetch(`${api.baseUrl}${path}`, { method, headers: authorization ? { authorization } : {} });

  it('should ask for credentials without a key, and refuse a wrong key or a role other than admin', async () => {
    const none = await get('/admin/queues');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await get('/admin/queues', basic('not-a-key-0123456789'))).status).toBe(401);
    expect((await get('/admin/queues', basic(nocKey))).status).toBe(403);
    expect((await get('/admin/queues/api/queues', `Bearer ${nocKey}`)).status).toBe(403);
  });

  it('should show every queue to an admin, and change nothing', async () => {
    const page = await get('/admin/queues', basic(ADMIN_KEY));
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    const queues = await get('/admin/queues/api/queues', `Bearer ${ADMIN_KEY}`);
    expect(queues.status).toBe(200);
    const names = ((await queues.json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> }).queues;
    expect(names.map((q) => q.name).sort()).toEqual(Object.values(QUEUES).sort());
    expect(names.map((q) => q.name)).toContain('deliveries-sms');
    expect(names.every((q) => q.readOnlyMode)).toBe(true);
    for (const [method, path] of [['PUT', '/admin/queues/api/queues/notifications/pause'], ['PUT', '/admin/queues/api/queues/notifications/clean/failed'], ['POST', '/admin/queues/api/queues/notifications/add']]) {
      const res = await get(path, basic(ADMIN_KEY), method);
      expect([method, path, res.status]).toEqual([method, path, 405]);
    }
  });

  describe('in a browser', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('should list the queues with the admin key given as the password, breaking no policy of ours', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, httpCredentials: { username: 'admin', password: ADMIN_KEY } });
      const page = await context.newPage();
      const refused: string[] = [];
      page.on('console', (m) => /Content Security Policy/i.test(m.text()) && refused.push(m.text()));
      await page.goto(`${api.baseUrl}/admin/queues`);
      for (const name of ['notifications', 'deliveries-sms', 'deliveries-email']) await page.getByText(name, { exact: true }).first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(SCREENSHOTS, 'queue-board.png') });
      // Only the board's web fonts (a third-party stylesheet) are refused; its scripts and styles run.
      expect(refused.filter((r) => !/fonts\.googleapis\.com/.test(r))).toEqual([]);
      await context.close();
    }, 60_000);
  });
});
