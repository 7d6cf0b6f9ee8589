import { existsSync, mkdirSync } from 'fs';
import { join } from 'path';
import { Browser, BrowserContext, chromium, Locator, Page } from 'playwright-core';

/** Where the browser tests leave their screenshots (git-ignored; key ones are copied to docs/screenshots). */
export const SCREENSHOTS = join(__dirname, '..', '..', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Debian's chromium, headless, with nothing that reaches out to the network (scripts/web.sh chromium installs it). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run bash scripts/web.sh chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // playwright gives each launch a new empty profile (user data dir) of its own.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export async function newContext(browser: Browser, opts: { locale?: string; timezoneId?: string } = {}): Promise<BrowserContext> {
  // Reduced motion: no transitions half-way through a screenshot.
  return browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce', locale: opts.locale ?? 'en-GB', timezoneId: opts.timezoneId ?? 'Asia/Novosibirsk' });
}

/** Polls until the locator's text matches (or the deadline passes, with what it last saw). */
export async function waitForText(locator: Locator, expected: string | RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  for (;;) {
    seen = ((await locator.first().textContent({ timeout: 1_000 }).catch(() => null)) ?? '').trim();
    if (typeof expected === 'string' ? seen === expected : expected.test(seen)) return seen;
    if (Date.now() > deadline) throw new Error(`waited for ${expected} in ${locator}, last saw "${seen}"`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The page at desktop and phone width, in the language now shown. */
export async function shoot(page: Page, name: string, lang: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-desktop-${lang}.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  // Charts resize on the next frames: wait until nothing is wider than the phone. A function, not a string:
  // Playwright evaluates a function once, as the test's own script, and polls the result; a string it
  // evaluates again on every poll, which the console's CSP (no 'unsafe-eval') refuses and logs each time.
  await page
    .waitForFunction(() => (globalThis as any).document.documentElement.scrollWidth <= (globalThis as any).innerWidth, undefined, { timeout: 5_000 })
    .catch(() => undefined);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-phone-${lang}.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

/** Screenshots in English and Russian, switching with the console's own language control. */
export async function shootBoth(page: Page, name: string): Promise<void> {
  await shoot(page, name, 'en');
  await page.getByText('RU', { exact: true }).first().click();
  await page.locator('html[lang=ru]').waitFor({ state: 'attached' });
  await shoot(page, name, 'ru');
  await page.getByText('EN', { exact: true }).first().click();
  await page.locator('html[lang=en]').waitFor({ state: 'attached' });
}
