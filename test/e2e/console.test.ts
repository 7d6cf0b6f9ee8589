import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, newContext, SCREENSHOTS, shoot, shootBoth, waitForText } from '../support/browser';
import { ADMIN_KEY } from '../support/api';
import { TestEngine } from '../support/engine';
import { expectCreated, seedTopology } from '../support/topology';

/**
 * The console in a real Chromium against the real api and worker (PostgreSQL, Redis, BullMQ):
 * NOC declares and watches the send-out, changes the ETR and resolves; a manager works the call
 * list and sees nothing that is not theirs; an admin imports a CSV with a bad line.
 */
// A test here is a whole flow in a real browser, each step waiting with a deadline of its own: on a
// loaded machine one flow takes minutes, past the 60 s the other suites get.
jest.setTimeout(300_000);

const today = new Date();
// 11:00 in Novosibirsk, 14:00 in Vladivostok: everyone is awake, so the board's counts move.
const NOW = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), 4, 0, 0)).toISOString();

/** The values a page keeps in its session or local storage (the tests' tsconfig has no DOM types). */
const storage = (page: Page, which: 'sessionStorage' | 'localStorage'): Promise<string[]> =>
  page.evaluate((w) => Object.values((globalThis as any)[w] as Record<string, string>), which);

describe('console in Chromium', () => {
  let engine: TestEngine;
  let browser: Browser;
  let context: BrowserContext;
  let keys: { noc: string; manager: string; otherManager: string };
  let otherIncident: { id: number; code: string };

  /** Every error the browser reported in this test's pages: console errors (CSP violations among them) and uncaught exceptions. */
  const errors: Array<{ text: string; url: string }> = [];
  /** The failed requests a test provokes on purpose; any other browser error fails the test. */
  let expectedFailures: Array<{ status: number; path: RegExp }> = [];
  const expectFailedRequests = (...failures: Array<{ status: number; path: RegExp }>) => expectedFailures.push(...failures);
  const isExpected = (e: { text: string; url: string }) =>
    expectedFailures.some((f) => e.text.startsWith(`Failed to load resource: the server responded with a status of ${f.status} `) && f.path.test(new URL(e.url, 'http://none').pathname));
  const url = (path: string) => `${engine.api.baseUrl}/console${path}`;

  async function signIn(key: string, opts: { locale?: string } = {}): Promise<Page> {
    context = await newContext(browser, opts);
    context.on('weberror', (e) => errors.push({ text: `uncaught ${e.error().stack ?? e.error().message}`, url: e.page()?.url() ?? '' }));
    context.on('console', (m) => m.type() === 'error' && errors.push({ text: m.text(), url: m.location().url }));
    const page = await context.newPage();
    await page.clock.install({ time: new Date(NOW) });
    await page.goto(url('/'));
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation').waitFor();
    return page;
  }

  let ticking: NodeJS.Timeout;

  beforeAll(async () => {
    engine = await TestEngine.start();
    // The service's clock runs from NOW (its 5 s count cache expires on that clock, so it must move).
    const t0 = Date.now();
    engine.setNow(NOW);
    ticking = setInterval(() => engine.setNow(new Date(Date.parse(NOW) + Date.now() - t0).toISOString()), 200);
    await seedTopology(engine.api, { s1: { tier: 'vip' }, s2: { tier: 'business' }, s4: { tier: 'business' } });
    const regA = await expectCreated(engine.api, '/v1/outage-managers', {
      name: 'Ирина Смирнова', phone: '+73832000101', email: 'irina@operator.example', areaCodes: ['REG-A'],
    });
    const regB = await expectCreated(engine.api, '/v1/outage-managers', {
      name: 'Pavel Lee', phone: '+74232000102', email: 'pavel@operator.example', areaCodes: ['REG-B'],
    });
    keys = {
      noc: (await expectCreated(engine.api, '/v1/api-keys', { name: 'noc-night', role: 'noc' })).key,
      manager: (await expectCreated(engine.api, '/v1/api-keys', { name: 'irina', role: 'manager', managerId: regA.id })).key,
      otherManager: (await expectCreated(engine.api, '/v1/api-keys', { name: 'pavel', role: 'manager', managerId: regB.id })).key,
    };
    otherIncident = await expectCreated(engine.api, '/v1/incidents', { title: 'Power cut, Region B', kind: 'outage', scope: { areaCodes: ['REG-B'] } });
    await engine.settle();
    browser = await launchChromium();
  });

  afterEach(async () => {
    // What the page said went wrong, and how it looked at the end: for a failing test's reader.
    const last = context?.pages()[0];
    if (last) await last.screenshot({ path: `${SCREENSHOTS}/last-${expect.getState().currentTestName?.slice(20, 60).replace(/\W+/g, '-')}.png` });
    const unexpected = errors.splice(0).filter((e) => !isExpected(e));
    expectedFailures = [];
    await context?.close();
    if (unexpected.length) throw new Error(`unexpected browser errors:\n${unexpected.map((e) => `${e.text} (at ${e.url})`).join('\n')}`);
  });
  afterAll(async () => {
    clearInterval(ticking);
    await browser?.close();
    await engine?.stop();
  });

  it('should keep the key in sessionStorage only and return to sign-in when the API answers 401', async () => {
    const page = await signIn(keys.noc);
    // The console's own icon, so Chromium asks nothing of /favicon.ico (a 404 would fail the test).
    expect(await page.locator('link[rel=icon]').getAttribute('href')).toBe('/console/favicon.svg');
    const icon = await fetch(url('/favicon.svg'));
    expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    expect(await icon.text()).toMatch(/^<svg /);
    expect(await storage(page, 'sessionStorage')).toContain(keys.noc);
    expect(await storage(page, 'localStorage')).not.toContain(keys.noc);
    // The key stops working (revoked elsewhere): the board's next request gets a 401, which signs the tab out
    // (which request is first depends on the polls' timing: the list, a row's counts, who is signed in).
    expectFailedRequests({ status: 401, path: /^\/v1\// });
    await page.evaluate(() => (globalThis as any).sessionStorage.setItem('outage-notifier.apiKey', 'revoked-key'));
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await storage(page, 'sessionStorage')).not.toContain('revoked-key');
  });

  it('should preview, declare, show the board counts moving as the worker sends, change the ETR and resolve', async () => {
    // The channels hold every batch until released: the board must show 0 sent first, then the count move.
    const held = holdChannels();
    const page = await signIn(keys.noc);
    await page.getByRole('link', { name: 'Declare' }).click();
    await page.getByLabel('Title in Russian').fill('Обрыв кабеля, район A1a');
    await page.getByLabel('Title in English').fill('Fibre cut, District A1a');
    await pickDateTime(page, page.getByLabel('Estimated restoration (your time)'), '16:30');
    await page.getByRole('combobox', { name: 'Areas' }).fill('DIST-A1');
    await page.getByRole('option', { name: 'DIST-A1a — District A1a' }).click();
    await page.getByRole('combobox', { name: 'Network elements' }).fill('olt 1');
    await page.getByRole('option', { name: 'OLT-1 — OLT 1' }).click();
    await page.getByRole('button', { name: 'Preview impact' }).click();

    const expected = (await engine.api.post('/v1/incidents/preview', { scope: { areaCodes: ['DIST-A1a'], elementCodes: ['OLT-1'] } })).body;
    expect(expected.affected).toBe(2); // s1 by area and element, s4 by element
    const preview = page.getByRole('region', { name: 'Preview impact' });
    await waitForText(preview.getByLabel('Affected subscribers'), '2');
    await waitForText(preview.getByRole('table', { name: 'By tier' }), 'residential0business1VIP1');
    await shootBoth(page, 'declare-preview');

    await page.getByRole('button', { name: 'Declare', exact: true }).click();
    await page.getByRole('heading', { name: 'Fibre cut, District A1a' }).waitFor();
    const id = Number(/incidents\/(\d+)/.exec(page.url())![1]);
    const { code } = (await engine.api.get(`/v1/incidents/${id}`)).body;

    await page.getByRole('link', { name: 'Incident board' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: code }) });
    await waitForText(row.getByRole('group', { name: 'SMS' }).getByLabel('sent'), '0');
    held.release();
    // 2 texts and 2 emails go out; the board polls every 5 s and shows them.
    await waitForText(row.getByRole('group', { name: 'SMS' }).getByLabel('sent'), '2');
    await waitForText(row.getByRole('group', { name: 'Email' }).getByLabel('sent'), '2');
    // 11:00 in Novosibirsk: both affected are awake, nobody waits for the morning.
    await waitForText(row.getByLabel('awake now'), '2');
    await waitForText(row.getByLabel('asleep, told at their morning'), '0');
    await shootBoth(page, 'board');

    await row.getByRole('link', { name: code }).click();
    await page.getByRole('img', { name: 'Sent and delivered over time' }).waitFor(); // GET …/progress, charted
    await page.getByRole('button', { name: 'Change ETR' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change ETR' });
    await waitForText(dialog.getByRole('alert'), /2 will get a message now, 0 at their morning/);
    await pickDateTime(page, dialog.getByLabel('New ETR (your time)'), '18:30');
    await dialog.getByLabel('Public message in Russian').fill('Бригада на месте.');
    await dialog.getByLabel('Public message in English').fill('Crew on site.');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const updated = (await engine.api.get(`/v1/incidents/${id}`)).body;
    expect(new Date(updated.etr).toISOString()).toBe(new Date(`${NOW.slice(0, 10)}T11:30:00Z`).toISOString()); // 18:30 Novosibirsk
    await page.getByText('Crew on site.').waitFor();
    expect(updated.titles).toEqual({ ru: 'Обрыв кабеля, район A1a', en: 'Fibre cut, District A1a' });
    expect(updated.publicMessages).toEqual({ ru: 'Бригада на месте.', en: 'Crew on site.' });
    await shootBoth(page, 'incident');
    // In Russian the incident's own words and every timeline entry's name are Russian too.
    await page.getByText('RU', { exact: true }).first().click();
    await page.getByRole('heading', { name: 'Обрыв кабеля, район A1a' }).waitFor();
    await page.getByText('Бригада на месте.').waitFor();
    // Each entry's title: its name, then the status badge if any.
    expect(await page.locator('.mantine-Timeline-itemTitle').allTextContents())
      .toEqual([expect.stringMatching(/^авария объявлена/), expect.stringMatching(/^назначен менеджер\s*$/), expect.stringMatching(/^обновление/)]);
    await page.getByText('EN', { exact: true }).first().click();
    await page.getByRole('heading', { name: 'Fibre cut, District A1a' }).waitFor();

    await page.getByLabel('Phone, external id or name').fill('+7 913 000 0001');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    const found = page.getByRole('table', { name: 'Messages to a customer' }).getByRole('row').filter({ hasText: 'Анна Петрова' });
    await found.first().waitFor();
    // The first notice and the ETR change, each by text and by email.
    expect((await found.allTextContents()).map((r) => /SMS|Email/.exec(r)?.[0]).sort()).toEqual(['Email', 'Email', 'SMS', 'SMS']);

    // The ETR slips once more; the public page tells its history, in the reader's language and zone.
    await engine.api.post(`/v1/incidents/${id}/updates`, { etr: `${NOW.slice(0, 10)}T12:00:00Z` });
    const status = await context.newPage();
    for (const [lang, expected] of [
      ['en', { title: 'Fibre cut, District A1a', message: 'Crew on site.', history: /^First expected .*→ .*→ now .*; revised twice\.$/, zone: /zone: Asia\/Novosibirsk \(GMT\+7\)\.$/ }],
      ['ru', { title: 'Обрыв кабеля, район A1a', message: 'Бригада на месте.', history: /^Сначала ожидали .*→ .*→ теперь .*; срок меняли 2 раза\.$/, zone: /поясу: Asia\/Novosibirsk \(GMT\+7\)\.$/ }],
    ] as const) {
      await status.goto(`${engine.api.baseUrl}/status/${code}/${lang}`);
      await status.getByRole('heading', { name: expected.title }).waitFor();
      await status.getByText(expected.message).waitFor();
      await waitForText(status.locator('#zone'), expected.zone);
      expect(await status.locator('.history').textContent()).toMatch(expected.history);
      expect(await status.locator('.history').textContent()).toContain('GMT+7'); // each time with its zone
      expect(await status.locator('body').textContent()).toContain('District A1a');
      await shoot(status, 'status', lang);
    }
    await status.close();

    await page.getByRole('button', { name: 'Reassign manager' }).click();
    const reassign = page.getByRole('dialog', { name: 'Reassign manager' });
    await reassign.getByRole('combobox', { name: 'New manager (on duty)' }).click();
    await page.getByRole('option', { name: 'Pavel Lee' }).click();
    await waitForText(reassign.getByRole('alert'), /Customers are not told/);
    await reassign.getByRole('button', { name: 'Confirm' }).click();
    await reassign.waitFor({ state: 'hidden' });
    await page.getByText('Pavel Lee', { exact: true }).waitFor();
    expect((await engine.api.get(`/v1/incidents/${id}`)).body.manager.name).toBe('Pavel Lee');

    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.getByRole('dialog', { name: 'Resolve' }).getByRole('button', { name: 'Confirm' }).click();
    await waitForText(page.getByText('resolved', { exact: true }).first(), 'resolved');
    expect((await engine.api.get(`/v1/incidents/${id}`)).body.status).toBe('resolved');
  }, 180_000); // the whole NOC flow: 40-50 s alone on the shared 2-core machine, past 60 s beside other suites

  it('should say how old the counts are once it matters, and warn once they are a minute old', async () => {
    const page = await signIn(keys.noc);
    // The api answers from a count 20 s old (its recount is slow, as under a send-out's load), however often it is asked.
    const countedAt = new Date((await page.evaluate(() => Date.now())) - 20_000).toISOString();
    await page.route(/\/v1\/incidents\/\d+$/, async (route) => {
      const response = await route.fetch();
      const json = await response.json();
      await route.fulfill({ response, json: { ...json, stats: { ...json.stats, countsAt: countedAt } } });
    });
    await page.reload();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: otherIncident.code }) });
    const age = row.getByTestId('counts-age');
    await waitForText(age, /^counted 2\d sec\.? ago$/);
    expect(await age.getAttribute('data-level')).toBe('old');
    await shootBoth(page, 'board-counts-old');

    // Still the same count 45 s later: the age has kept growing, now as a warning.
    await page.clock.fastForward(45_000);
    await waitForText(age, /^counted 1 min\.? ago$/);
    expect(await age.getAttribute('data-level')).toBe('stale');
    await row.getByRole('link', { name: otherIncident.code }).click();
    await waitForText(page.getByText(/^Counts as of \d\d:\d\d:\d\d$/), /^Counts as of/);
    await waitForText(page.getByTestId('counts-age'), /^counted 1 min\.? ago$/);
    await shootBoth(page, 'incident-counts-stale');
  });

  it('should show a manager only their incidents and call list, log a call and mark the row, and no admin pages', async () => {
    // Dina (medical) joins the list; she is called, then erased: the finished call stays, without her name.
    const [dina] = await engine.api.db.query(`SELECT id FROM subscribers WHERE name = 'Dina Kim'`);
    expect((await engine.api.patch(`/v1/subscribers/${dina.id}`, { flags: ['medical'] })).status).toBe(200);
    const mine = await expectCreated(engine.api, '/v1/incidents', { title: 'Fibre cut, City A1', kind: 'outage', scope: { areaCodes: ['CITY-A1'] } });
    expect(mine.manager.name).toBe('Ирина Смирнова');
    expect((await engine.api.post(`/v1/incidents/${mine.id}/calls`, { subscriberId: dina.id, outcome: 'reached' })).status).toBe(201);
    expect((await engine.api.request('DELETE', `/v1/subscribers/${dina.id}`)).status).toBe(200);
    const page = await signIn(keys.manager);
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'My incidents' }).waitFor();
    expect(await nav.getByRole('link').allTextContents()).toEqual(['My incidents', 'Feedback']);

    await page.getByRole('link', { name: mine.code }).waitFor();
    expect(await page.getByRole('link', { name: otherIncident.code }).count()).toBe(0);

    await page.getByRole('link', { name: mine.code }).click();
    expect(await page.getByRole('button', { name: 'Resolve' }).count()).toBe(0); // managers read, NOC acts
    await page.getByRole('link', { name: 'Call list' }).click();
    const rows = page.getByRole('table', { name: 'Call list' }).getByRole('row');
    const anna = rows.filter({ hasText: 'Анна Петрова' });
    await anna.waitFor();
    expect(await anna.getByRole('link', { name: '+79130000001' }).getAttribute('href')).toBe('tel:+79130000001');
    expect(await rows.nth(1).textContent()).toContain('Анна Петрова'); // the VIP first
    expect(await anna.getAttribute('data-called')).toBe('false');

    await anna.getByRole('button', { name: 'Log call: Анна Петрова' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Outcome' }).click();
    await page.getByRole('option', { name: 'reached' }).click();
    await dialog.getByLabel('Note').fill('Knows about it, no further calls.');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForText(anna.getByText(/^called:/), 'called: reached');
    expect(await anna.getAttribute('data-called')).toBe('true');
    const list = (await engine.api.get(`/v1/incidents/${mine.id}/call-list?status=all`)).body;
    expect(list.find((e: { name: string }) => e.name === 'Анна Петрова')).toMatchObject({
      outcome: 'reached', note: 'Knows about it, no further calls.', reasons: [{ code: 'vip' }, { code: 'repeat_incidents', count: 2, days: 90 }],
    });
    expect(list.find((e: { name: string }) => e.name === 'Boris Ivanov')).toMatchObject({ reasons: [{ code: 'business' }] });
    expect(list.find((e: { subscriberId: number }) => e.subscriberId === dina.id)).toMatchObject({ name: '', erased: true, outcome: 'reached' });
    const erased = rows.filter({ hasText: '(erased)' });
    expect(await erased.getAttribute('data-called')).toBe('true');
    expect(await erased.getByRole('button').count()).toBe(0); // nobody to call: no number, no Log call
    expect(await anna.textContent()).toContain('VIP customer; hit by 2 incidents in 90 days');
    // In Russian every reason is Russian, put into words by the console from the codes.
    await page.getByText('RU', { exact: true }).first().click();
    const ruRows = page.getByRole('table', { name: 'Обзвон' }).getByRole('row');
    await waitForText(ruRows.filter({ hasText: 'Анна Петрова' }).getByRole('cell').nth(2), 'VIP-клиент; повторные аварии: 2 за 90 дн.');
    expect(await ruRows.filter({ hasText: 'Boris Ivanov' }).getByRole('cell').nth(2).textContent()).toBe('бизнес-клиент');
    expect(await ruRows.filter({ hasText: '(данные удалены)' }).count()).toBe(1);
    await page.getByText('EN', { exact: true }).first().click();
    await page.getByRole('table', { name: 'Call list' }).waitFor();
    await shootBoth(page, 'call-list');

    // Two replies to this incident (as the inbound path stores them) and one to another manager's.
    await reply(mine.id, 'Анна Петрова', { body: 'Спасибо, что предупредили' });
    await reply(mine.id, 'Boris Ivanov', { rating: 4 });
    await reply(otherIncident.id, 'Vera Sokolova', { body: 'Not for Irina' });
    await page.getByRole('link', { name: 'Feedback' }).click();
    const inbox = page.getByRole('list', { name: 'Feedback from subscribers' });
    await inbox.getByRole('listitem').filter({ hasText: 'Спасибо, что предупредили' }).waitFor();
    expect(await inbox.getByRole('listitem').count()).toBe(2);
    expect(await inbox.textContent()).not.toContain('Not for Irina');
    await page.getByRole('combobox', { name: 'Incident' }).click();
    await page.getByRole('option', { name: mine.code }).click();
    await waitForText(page.getByRole('status'), /^1 ratings\s*4\.00$/);
    await shootBoth(page, 'feedback');

    // Another manager's incident and call list are refused by the API; admin pages are not offered.
    expectFailedRequests({ status: 403, path: new RegExp(`^/v1/incidents/${otherIncident.id}(/progress|/call-list)?$`) });
    await page.goto(url(`/incidents/${otherIncident.id}`));
    await waitForText(page.getByRole('alert'), /not assigned to this manager/);
    expect(await page.getByText('Power cut, Region B').count()).toBe(0);
    await page.goto(url(`/incidents/${otherIncident.id}/calls`));
    await waitForText(page.getByRole('alert'), /not assigned to this manager/);
    await page.goto(url('/admin/imports'));
    await waitForText(page.getByRole('alert'), 'This page is not available to your role.');
    expect(await page.getByRole('button', { name: 'Upload' }).count()).toBe(0);
    // Nor the audit log: no link, the no-access view at its address, and the API refuses the key.
    expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await page.goto(url('/admin/audit'));
    await waitForText(page.getByRole('alert'), 'This page is not available to your role.');
    expect(await page.getByRole('table', { name: 'Audit log' }).count()).toBe(0);
    expect((await engine.api.get('/v1/audit', keys.manager)).status).toBe(403);
  });

  it('should show an admin each bad line and field of a CSV import, and create, show once and revoke a key', async () => {
    const page = await signIn(ADMIN_KEY);
    await page.getByRole('link', { name: 'Imports' }).click();
    const csv = 'externalId,name,phone,areaCode\nc1,Client One,+79130001001,DIST-A1a\nc2,Client Two,not-a-phone,DIST-A1a\n';
    const expected = await engine.api.request('POST', '/v1/imports/subscribers', { raw: csv, contentType: 'text/csv' });
    expect(expected.status).toBe(422);
    expect(expected.body.error.details).toEqual([expect.objectContaining({ line: 3, field: 'phone' })]);

    await page.getByRole('combobox', { name: 'What to import' }).click();
    await page.getByRole('option', { name: 'Subscribers' }).click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'CSV or NDJSON file' }).click();
    await (await chooser).setFiles({ name: 'subscribers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    expectFailedRequests({ status: 422, path: /^\/v1\/imports\/subscribers$/ });
    await page.getByRole('button', { name: 'Upload' }).click();
    const table = page.getByRole('table', { name: 'Nothing was imported: fix these lines and upload again.' });
    const bad = table.getByRole('row').nth(1);
    await bad.waitFor();
    expect((await bad.getByRole('cell').allTextContents()).slice(0, 2)).toEqual(['3', 'phone']);
    expect(await engine.api.db.query(`SELECT 1 FROM subscribers WHERE external_id = 'c1'`)).toEqual([]); // all or nothing
    await shootBoth(page, 'import-errors');

    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name').fill('noc-day');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = await waitForText(page.getByLabel('The new key, shown only once:').last(), /^onk_/);
    expect((await engine.api.get('/v1/me', shown)).body).toMatchObject({ name: 'noc-day', role: 'noc' });
    page.on('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Revoke: noc-day' }).click();
    await page.getByRole('row').filter({ hasText: 'noc-day' }).getByText('revoked').waitFor();
    // Revocation is immediate in this process (its key cache is dropped).
    expect((await engine.api.get('/v1/me', shown)).status).toBe(401);

    await page.getByRole('link', { name: 'Outage managers' }).click();
    await page.getByRole('switch', { name: 'On duty: Pavel Lee' }).click({ force: true });
    await waitForPoll(async () => (await engine.api.get('/v1/outage-managers')).body.find((m: { name: string }) => m.name === 'Pavel Lee').onDuty === false);
    await page.getByLabel('Name').fill('Olga Berg');
    await page.getByLabel('Phone').fill('+73832000199');
    await page.getByLabel('Email').fill('olga@operator.example');
    await page.getByRole('combobox', { name: 'Areas' }).fill('DIST-A1b');
    await page.getByRole('option', { name: 'DIST-A1b — District A1b' }).click();
    await page.getByRole('button', { name: 'Add a manager' }).click();
    await page.getByRole('row').filter({ hasText: 'Olga Berg' }).waitFor();
    expect((await engine.api.get('/v1/outage-managers')).body.find((m: { name: string }) => m.name === 'Olga Berg'))
      .toMatchObject({ phone: '+73832000199', areaCodes: ['DIST-A1b'], onDuty: true });
    await shootBoth(page, 'managers');

    await page.getByRole('link', { name: 'Templates' }).click();
    const ru = (await engine.api.get('/v1/templates/preview?kind=notice&locale=ru&channel=sms')).body;
    const size = page.getByRole('status', { name: 'Size' });
    await waitForText(size, `UCS2${ru.segments} SMS part(s)${ru.characters} characters`);
    await page.getByText('English', { exact: true }).click();
    const en = (await engine.api.get('/v1/templates/preview?kind=notice&locale=en&channel=sms')).body;
    expect(en.characters).not.toBe(ru.characters);
    await waitForText(size, `${en.encoding.toUpperCase()}${en.segments} SMS part(s)${en.characters} characters`);
  });

  it('should show an admin who read a subscriber\'s data: filtered by that subscriber, with the key, the route and links', async () => {
    const auditor = await expectCreated(engine.api, '/v1/api-keys', { name: 'auditor', role: 'admin' });
    const [vera] = await engine.api.db.query(`SELECT id FROM subscribers WHERE name = 'Vera Sokolova'`);
    // More than a page of earlier requests (a NOC key's searches, as the api records them), whatever the other tests did.
    await engine.api.db.query(
      `INSERT INTO audit_log (api_key_id, role, method, route, status, incident_ids, subscriber_ids)
       SELECT id, 'noc', 'GET', '/v1/subscribers', 200, '{}', '{}' FROM api_keys, generate_series(1, 60) WHERE name = 'noc-night'`,
    );
    // The admin reads Vera's messages on the incident page (GET /v1/subscribers?q=… and …/:id/messages).
    const page = await signIn(auditor.key);
    await page.goto(url(`/incidents/${otherIncident.id}`));
    await page.getByLabel('Phone, external id or name').fill('+79140000003');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByRole('table', { name: 'Messages to a customer' }).getByRole('row').filter({ hasText: 'Vera Sokolova' }).first().waitFor();

    await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
    const table = page.getByRole('table', { name: 'Audit log' });
    // Everyone's requests, 50 at a time.
    await waitForText(table.getByRole('row').nth(50), /./);
    expect(await table.getByRole('row').count()).toBe(51); // the header and a page
    await page.getByRole('button', { name: 'Load more' }).click();
    await waitForText(table.getByRole('row').nth(51), /./);

    await page.getByLabel('Subscriber id').fill(String(vera.id));
    await page.getByRole('combobox', { name: 'Key' }).click();
    await page.getByRole('option', { name: `auditor (#${auditor.id})` }).click();
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    const read = table.getByRole('row').filter({ hasText: 'GET /v1/subscribers/:id/messages' });
    // Until the filtered page arrives the table still shows everyone's requests, other keys' reads among them.
    await waitForPoll(async () => (await read.count()) === 1);
    expect(await table.getByRole('row').count()).toBe(3); // the header, the search and the messages read
    const cells = await read.getByRole('cell').allTextContents();
    expect(cells.slice(1, 4)).toEqual([`auditor #${auditor.id}admin`, 'GET /v1/subscribers/:id/messages', '200']);
    expect(cells[0]).toMatch(/^\d\d\/\d\d\/\d{4}, \d\d:\d\d:\d\d$/);
    expect(await read.getByRole('link', { name: String(otherIncident.id), exact: true }).getAttribute('href')).toBe(`/console/incidents/${otherIncident.id}`);
    expect(page.url()).toContain(`subscriberId=${vera.id}`);
    await shootBoth(page, 'audit');

    // A subscriber's id in a row filters the log by them alone; the form follows.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await waitForText(table.getByRole('row').nth(50), /./);
    expect(await page.getByLabel('Subscriber id').inputValue()).toBe('');
    await table.getByRole('link', { name: `Requests about subscriber ${vera.id}` }).first().click();
    await waitForPoll(async () => (await page.getByLabel('Subscriber id').inputValue()) === String(vera.id));
    await waitForPoll(async () => (await table.getByRole('row').count()) > 1 && (await table.getByRole('row').count()) < 51);
    for (const row of (await table.getByRole('row').all()).slice(1)) {
      expect(await row.getByRole('link', { name: `Requests about subscriber ${vera.id}` }).count()).toBe(1);
    }
  });

  /** Polls until the condition holds (or fails after 10 s). */
  async function waitForPoll(condition: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in 10 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A subscriber's reply to an incident, stored as the inbound path stores it. */
  async function reply(incidentId: number, name: string, what: { body?: string; rating?: number }): Promise<void> {
    await engine.api.db.query(
      `WITH s AS (SELECT id, phone FROM subscribers WHERE name = $2),
            m AS (INSERT INTO inbound_messages (sender, recipient, body, data_coding, subscriber_id, incident_id, outcome, received_at)
                  SELECT s.phone, 'Outages', coalesce($3, $4::text), 8, s.id, $1, $5::inbound_outcome, now() FROM s RETURNING id, subscriber_id)
       INSERT INTO feedback (incident_id, manager_id, subscriber_id, inbound_id, body, rating, received_at)
       SELECT $1, (SELECT manager_id FROM incidents WHERE id = $1), m.subscriber_id, m.id, $3, $4::smallint, now() FROM m`,
      [incidentId, name, what.body ?? null, what.rating ?? null, what.rating ? 'rating' : 'feedback'],
    );
  }

  /** Makes the worker's recording channels wait before answering each batch, until released. */
  function holdChannels(): { release: () => void } {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    for (const channel of [engine.sms, engine.email]) {
      const send = channel.send.bind(channel);
      channel.send = async (batch) => {
        await gate;
        return send(batch);
      };
    }
    return { release };
  }

  /** Opens a date-time picker, keeps today, types the time and applies it. */
  async function pickDateTime(page: Page, field: ReturnType<Page['getByLabel']>, time: string): Promise<void> {
    await field.click();
    const dropdown = page.locator('.mantine-Popover-dropdown').last();
    await dropdown.locator('button[data-today]').click();
    const [h, m] = time.split(':');
    await dropdown.getByRole('spinbutton').first().fill(h);
    await dropdown.getByRole('spinbutton').nth(1).fill(m);
    await dropdown.getByRole('button').last().click();
  }
});
