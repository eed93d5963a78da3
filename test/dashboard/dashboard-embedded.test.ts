import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeListener } from '../../src/adapters/node/index.js';
import { MemoryClientKeyStore } from '../../src/http/client-keys/memory-client-key-store.js';
import { Manager, mockExecutor } from '../../src/index.js';
import { createDashboardHandler, type DashboardOptions } from '../../src/management/index.js';
import { MemoryUsageSink } from '../../src/observe/usage/memory-usage-sink.js';
import { launchChromium } from './browser.js';
import { type FakeOAuth, withFakeOAuth } from './fake-oauth-routes.js';

// The dashboard mounted by an embedder (createDashboardHandler on node:http), in chromium: keyboard,
// labels, layout, colour schemes, the bundle's budget and CSP, sessions, and OAuth "Add account"
// against a fake of the OAuth management routes.

const SECRET = 'embedded-mgmt-secret-5e7a1c9b3d';
const PAGES = ['overview', 'credentials', 'keys', 'usage', 'playground', 'config'] as const;
const BUDGET_GZIP_BYTES = 150 * 1024;

const { browser, reason } = await launchChromium();
const shots = mkdtempSync(join(tmpdir(), 'switchyard-dashboard-embedded-shots-'));

/** A non-loopback IPv4 address of this machine, to reach the server as a remote peer would. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

/** A self-signed certificate for 127.0.0.1 made with openssl, or undefined when openssl is missing. */
function selfSigned(): { key: Buffer; cert: Buffer } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-dash-tls-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]),
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch {
    return undefined;
  }
}
const tls = browser ? selfSigned() : undefined;

const servers: Server[] = [];
async function listen(server: Server, host: string): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

function gateway(options: Partial<DashboardOptions> = {}) {
  const manager = new Manager({
    executors: [mockExecutor()],
    credentials: [
      { id: 'mock-primary', provider: 'mock', apiKey: 'sk-mock-planted-primary-0a1b2c3d4e' },
      { id: 'mock-secondary-with-a-rather-long-identifier-eu-west', provider: 'mock', label: 'fallback' },
    ],
  });
  const usage = new MemoryUsageSink();
  const now = Date.now();
  // More than two pages of the Usage table (50 a page).
  for (let i = 0; i < 120; i++) {
    usage.write({
      timestamp: now - i * 20_000,
      requestId: `req-${i}`,
      credentialId: 'mock-primary',
      provider: 'mock',
      modelRequested: 'mock-model',
      modelUsed: 'mock-model',
      dialect: 'openai-chat',
      stream: false,
      promptTokens: 12,
      completionTokens: 30,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      latencyMs: 40,
      attempts: 1,
      success: true,
      status: 200,
      principal: 'a-client-key-with-a-long-name',
    });
  }
  let yaml = 'port: 8317\nremote-management:\n  secret-key: emb…9b3d\nmock: true\n';
  const handler = createDashboardHandler(manager, {
    secret: SECRET,
    usage,
    clientKeys: new MemoryClientKeyStore(),
    config: {
      read: () => yaml,
      write: (text) => {
        yaml = text;
      },
    },
    ...options,
  });
  return { manager, handler };
}

describe.skipIf(!browser)(`the embedded dashboard in chromium${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let base: string;
  let oauth: FakeOAuth;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const { manager, handler } = gateway();
    oauth = withFakeOAuth(handler, manager);
    base = `http://127.0.0.1:${await listen(createServer(createNodeListener(oauth)), '127.0.0.1')}`;
    context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    // Every CSP violation the page causes, from the first script on.
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    page = await context.newPage();
    page.setDefaultTimeout(5_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    console.log(`[dashboard, embedded] screenshots in ${shots}`);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  /** What shows once each page has its data. */
  const READY: Record<(typeof PAGES)[number], string> = {
    overview: '#status-table',
    credentials: '#credentials-table',
    keys: '#create-key',
    usage: '#usage-table tbody tr',
    playground: '#pg-model option',
    config: '#config-text',
  };
  /** Shows a page afresh (a reload when it is the current one, so it loads its data again). */
  const go = async (id: (typeof PAGES)[number]) => {
    if (page.url().endsWith(`#/${id}`)) await page.reload();
    else await page.goto(`${base}/manage/#/${id}`);
    await page.waitForSelector(`main[data-page="${id}"] ${READY[id]}`, { state: 'attached' });
  };
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return {
        tag: el?.tagName.toLowerCase() ?? '',
        id: el?.id ?? '',
        text: (el?.textContent ?? '').trim(),
        label: el?.getAttribute('aria-label') ?? '',
        outline: el ? `${getComputedStyle(el).outlineStyle} ${getComputedStyle(el).outlineWidth}` : '',
      };
    });

  it('logs in and moves between pages with the keyboard alone, the focus always visible', async () => {
    await page.goto(`${base}/manage/`);
    await page.waitForSelector('#secret');
    expect((await focused()).id).toBe('secret');
    await page.keyboard.type(SECRET);
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-page="overview"]');

    await page.keyboard.press('Tab');
    let at = await focused();
    expect(at).toMatchObject({ tag: 'a', text: 'Overview' });
    expect(at.outline).toBe('solid 2px');
    await page.keyboard.press('Tab');
    expect(await focused()).toMatchObject({ tag: 'a', text: 'Credentials' });
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-page="credentials"] #credentials-table');

    // On to the Disable button of the first credential, and press it.
    for (let i = 0; i < 30; i++) {
      at = await focused();
      if (at.text === 'Disable') break;
      await page.keyboard.press('Tab');
    }
    expect(at).toMatchObject({ tag: 'button', text: 'Disable' });
    expect(at.outline).toBe('solid 2px');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#credentials-table tr[data-credential="mock-primary"] [data-state="disabled"]');
    await page.click('#credentials-table tr[data-credential="mock-primary"] >> text=Enable');
    await page.waitForSelector('#credentials-table tr[data-credential="mock-primary"] [data-state="up"]');
  });

  it('every control of every page has a label and is reached with Tab', { timeout: 60_000 }, async () => {
    oauth.profiles = [{ name: 'claude-pro', flow: 'authorization_code', provider: 'claude', label: 'Claude Pro' }];
    /** Controls that showed no focus ring when reached with Tab. */
    const unringed = new Set<string>();
    for (const id of PAGES) {
      await go(id);
      const unlabelled = await page.evaluate(() => {
        const named = (el: Element) =>
          (el.getAttribute('aria-label') ?? '').trim() !== '' ||
          el.hasAttribute('aria-labelledby') ||
          ((el as HTMLInputElement).labels?.length ?? 0) > 0 ||
          (el.tagName !== 'INPUT' &&
            el.tagName !== 'SELECT' &&
            el.tagName !== 'TEXTAREA' &&
            (el.textContent ?? '').trim() !== '');
        return [...document.querySelectorAll('a[href], button, input, select, textarea')]
          .filter((el) => !named(el))
          .map((el) => el.outerHTML.slice(0, 120));
      });
      expect(unlabelled, id).toEqual([]);
      // The accessibility tree agrees: no control without a name.
      const snapshot = await page.locator('body').ariaSnapshot();
      expect(snapshot, id).not.toMatch(/^\s*- (button|textbox|combobox|checkbox|spinbutton|link)( \[[^\]]*\])?:?\s*$/m);

      const controls = await page.evaluate(() => {
        const all = [...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea')].filter(
          (el) => !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0,
        );
        all.forEach((el, i) => {
          el.dataset.k = String(i);
        });
        (document.activeElement as HTMLElement | null)?.blur();
        return all.length;
      });
      // A date-time field takes a Tab per part, so allow more presses than controls.
      const reached = new Set<string>();
      for (let i = 0; i < controls * 3 + 10 && reached.size < controls; i++) {
        await page.keyboard.press('Tab');
        const { k, outline, what } = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return {
            k: el?.dataset.k,
            outline: el ? getComputedStyle(el).outlineStyle : '',
            what: el?.outerHTML.slice(0, 60),
          };
        });
        if (k === undefined) continue;
        reached.add(k);
        if (outline !== 'solid') unringed.add(`${id}: ${what} (${outline})`);
      }
      expect(reached.size, `${id}: ${controls} controls`).toBe(controls);
    }
    expect([...unringed]).toEqual([]);
  });

  it('reads at 1280 px and at a 375 px phone width without scrolling sideways', { timeout: 60_000 }, async () => {
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 800 });
      for (const id of PAGES) {
        await go(id);
        const { scroll, inner, font } = await page.evaluate(() => ({
          scroll: document.scrollingElement!.scrollWidth,
          inner: window.innerWidth,
          font: Number.parseFloat(getComputedStyle(document.body).fontSize),
        }));
        expect(scroll, `${id} at ${width} px`).toBeLessThanOrEqual(inner);
        // Nor inside a box: every control is on screen (tables turn into cards on a phone).
        const offscreen = await page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea')]
            .filter((el) => el.getClientRects().length > 0 && el.getBoundingClientRect().right > window.innerWidth + 1)
            .map((el) => el.outerHTML.slice(0, 80)),
        );
        expect(offscreen, `${id} at ${width} px`).toEqual([]);
        expect(font).toBeGreaterThanOrEqual(14);
        // The navigation stays on screen.
        const nav = await page.locator('nav[aria-label="Pages"]').boundingBox();
        expect(nav!.x + nav!.width, id).toBeLessThanOrEqual(width);
        if (width < 500) await shot(`${id}-phone`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('is dark or light as the system is', async () => {
    const colours = async (scheme: 'dark' | 'light') => {
      await page.emulateMedia({ colorScheme: scheme });
      return page.evaluate(() => ({
        bg: getComputedStyle(document.body).backgroundColor,
        fg: getComputedStyle(document.body).color,
      }));
    };
    const dark = await colours('dark');
    await shot('overview-dark');
    const light = await colours('light');
    expect(light.bg).toBe('rgb(255, 255, 255)');
    expect(dark.bg).not.toBe(light.bg);
    expect(dark.fg).not.toBe(light.fg);
    // Light text on the dark background: the background is the darker of the two.
    const lum = (c: string) =>
      c
        .match(/\d+/g)!
        .slice(0, 3)
        .reduce((s, v) => s + Number(v), 0);
    expect(lum(dark.bg)).toBeLessThan(lum(dark.fg));
    await page.emulateMedia({ colorScheme: null });
  });

  it('loads under 150 KB gzipped, with no inline script, and breaks no CSP rule', async () => {
    const index = await fetch(`${base}/manage/`, { headers: { 'accept-encoding': 'gzip' } });
    const csp = index.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    const html = await index.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [tag, inner] of scripts) {
      expect(tag).toMatch(/ src="assets\/app\.[A-Z0-9]+\.js"/);
      expect(inner).toBe('');
    }
    expect(html).not.toMatch(/<style|\son[a-z]+=/i);
    let total = Number(index.headers.get('content-length'));
    for (const [, asset] of html.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)) {
      const res = await fetch(`${base}/manage/${asset}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(res.headers.get('content-encoding')).toBe('gzip');
      total += Number(res.headers.get('content-length'));
    }
    expect(total).toBeGreaterThan(10_000);
    expect(total).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    // Every page was shown by now: none broke the policy.
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  });

  it('adds an OAuth account: the sign-in link opens in a new tab, the page follows the flow and lists the account', {
    timeout: 30_000,
  }, async () => {
    oauth.profiles = [
      { name: 'claude-pro', flow: 'authorization_code', provider: 'claude', label: 'Claude Pro' },
      { name: 'copilot', flow: 'device', provider: 'github-copilot', label: 'GitHub Copilot' },
    ];
    await go('credentials');
    await page.waitForSelector('#oauth-profiles tr[data-profile="copilot"]');
    await page.click('button[aria-label="Add account: Claude Pro"]');
    const link = page.locator('#oauth-link');
    await link.waitFor();
    const flow = [...oauth.flows.values()].at(-1)!;
    expect(await link.getAttribute('href')).toBe(flow.authorizationUrl);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await page.textContent('#oauth-state')).toContain('waiting for the sign-in');
    await shot('oauth-sign-in');
    // Polled every 2 s while pending.
    await page.waitForTimeout(5_000);
    const polls = oauth.calls.filter((c) => c.method === 'GET' && c.path === `/oauth/flows/${flow.id}`);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(polls.length).toBeLessThanOrEqual(3);
    expect(polls[1]!.at - polls[0]!.at).toBeGreaterThan(1_500);

    // The sign-in happens in the new tab (the fake provider completes the flow when visited).
    const [tab] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await tab.waitForLoadState();
    expect(await tab.textContent('body')).toContain('Signed in');
    await tab.close();
    await expect.poll(() => page.textContent('#oauth-state'), { timeout: 5_000 }).toContain('added as claude-pro-1');
    const row = page.locator('#credentials-table tr[data-credential="claude-pro-1"]');
    await row.waitFor();
    expect(await row.locator('code').textContent()).toBe('oauth');
    expect(await row.locator('[data-testid=token-times]').textContent()).toMatch(/^token until \d/);
    expect(await page.content()).not.toContain('oauth-access-planted');
    const after = oauth.calls.length;
    await page.waitForTimeout(2_500);
    expect(oauth.calls.slice(after).filter((c) => c.path.startsWith('/oauth/flows/'))).toEqual([]);
  });

  it('shows the device code and its page, and Cancel ends the flow and the polling', { timeout: 30_000 }, async () => {
    await page.click('button[aria-label="Add account: GitHub Copilot"]');
    await page.waitForSelector('#oauth-code');
    expect(await page.textContent('#oauth-code')).toBe('WDJB-MJHT');
    await shot('oauth-device');
    expect(await page.getAttribute('#oauth-verify', 'href')).toBe('https://idp.example/device?user_code=WDJB-MJHT');
    expect(await page.isDisabled('button[aria-label="Add account: Claude Pro"]')).toBe(true);
    const flow = [...oauth.flows.values()].at(-1)!;
    await page.click('#oauth-flow >> text=Cancel');
    await expect.poll(() => page.textContent('#oauth-state')).toContain('cancelled');
    expect(flow.state).toBe('cancelled');
    expect(oauth.calls.some((c) => c.method === 'DELETE' && c.path === `/oauth/flows/${flow.id}`)).toBe(true);
    const after = oauth.calls.length;
    await page.waitForTimeout(2_500);
    expect(oauth.calls.slice(after).filter((c) => c.path.startsWith('/oauth/flows/'))).toEqual([]);
    expect(await page.isEnabled('button[aria-label="Add account: Claude Pro"]')).toBe(true);
  });

  it('finishes a sign-in done on another machine from the address pasted back', async () => {
    await page.click('button[aria-label="Add account: Claude Pro"]');
    await page.waitForSelector('#oauth-redirect');
    await page.fill('#oauth-redirect', 'http://localhost:1455/auth/callback?code=pasted-code-42&state=x');
    await page.click('#oauth-paste button[type=submit]');
    await expect.poll(() => page.textContent('#oauth-state')).toContain('added as claude-pro-2');
    expect(oauth.pastes.at(-1)).toBe('pasted-code-42');
    // Listed at once, not at the list's next 5 s refresh.
    await page.locator('#credentials-table tr[data-credential="claude-pro-2"]').waitFor({ timeout: 1_500 });
  });

  it('a client-credentials profile is added at once, without a sign-in', async () => {
    oauth.profiles = [{ name: 'service', flow: 'client_credentials', provider: 'mock' }];
    await go('credentials');
    await page.click('button[aria-label="Add account: service"]');
    await expect.poll(() => page.textContent('#oauth-state')).toContain('added as service-');
    expect(await page.locator('#oauth-link, #oauth-code').count()).toBe(0);
    await page.locator('#credentials-table tr[data-credential^="service-"]').waitFor({ timeout: 1_500 });
  });

  it('shows no OAuth section when the gateway has no OAuth routes (404)', async () => {
    oauth.profiles = undefined;
    await go('credentials');
    await page.waitForSelector('#credentials-table');
    expect(await page.locator('#oauth-accounts').count()).toBe(0);
    expect(await page.locator('main [role=alert]').count()).toBe(0);
  });

  it('the playground answers in each caller dialect, whole and streamed', { timeout: 30_000 }, async () => {
    await go('playground');
    await page.selectOption('#pg-model', 'mock-model').catch(() => undefined);
    await page.fill('#pg-prompt', 'hello dialect');
    for (const dialect of ['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini']) {
      await page.selectOption('#pg-dialect', dialect);
      for (const stream of [false, true]) {
        await page.setChecked('#pg-stream', stream);
        await page.click('#playground-form button[type=submit]');
        await expect
          .poll(() => page.textContent('#pg-answer'), { message: `${dialect} stream=${stream}` })
          .toBe('Mock reply to: hello dialect');
        await page.waitForSelector('#pg-meta');
        expect(await page.textContent('[data-testid=pg-credential]'), dialect).toContain('(mock)');
        expect(await page.locator('main [role=alert]').count(), dialect).toBe(0);
      }
      const sent = JSON.parse((await page.textContent('#pg-request'))!);
      expect(JSON.stringify(sent), dialect).toContain('hello dialect');
    }
    await shot('playground-gemini');
  });

  it('copies a new client key with the copy button, and revokes a key only after confirming', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await go('keys');
    await page.fill('#key-name', 'copy-me');
    await page.click('#create-key button[type=submit]');
    const key = await page.inputValue('#new-key');
    expect(key).toMatch(/^sk-/);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByRole('button', { name: 'Copied', exact: true }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    expect(await page.content()).not.toContain(key);
    const row = page.locator('#keys-table tr', { hasText: 'copy-me' });
    await row.locator('text=Revoke').click();
    expect(await row.count()).toBe(1);
    await row.locator('text=Really revoke').click();
    await expect.poll(() => page.locator('#keys-table tr', { hasText: 'copy-me' }).count()).toBe(0);
  });

  it('pages through usage records, older and newer', async () => {
    await go('usage');
    const rows = () => page.locator('#usage-table tbody tr').count();
    expect(await rows()).toBe(50);
    const first = await page.textContent('#usage-table tbody tr');
    const top = () => page.textContent('#usage-table tbody tr');
    // The page number changes at once, the rows when they arrive: wait for the rows.
    await page.click('.pager >> text=Older');
    await page.waitForSelector('.pager >> text=Page 2');
    await expect.poll(top).not.toBe(first);
    const second = await top();
    await page.click('.pager >> text=Older');
    await page.waitForSelector('.pager >> text=Page 3');
    await expect.poll(rows).toBe(20);
    expect(await page.isDisabled('.pager >> text=Older')).toBe(true);
    await page.click('.pager >> text=Newer');
    await expect.poll(top).toBe(second);
    await page.click('.pager >> text=Newer');
    await page.waitForSelector('.pager >> text=Page 1');
    await expect.poll(top).toBe(first);
  });

  it('deletes a credential only after confirming', async () => {
    await go('credentials');
    const row = page.locator('#credentials-table tr[data-credential="claude-pro-1"]');
    await row.locator('button', { hasText: /^Delete$/ }).click();
    await row.locator('text=Cancel').click();
    expect(await row.count()).toBe(1);
    await row.locator('button', { hasText: /^Delete$/ }).click();
    await row.locator('text=Really delete').click();
    await expect.poll(() => row.count()).toBe(0);
  });

  it('says the session ended when the API answers 401, and logging in again returns to the page', async () => {
    // What a gateway restart does: the cookie names a session the process no longer knows.
    const restart = () =>
      context.addCookies([{ name: 'switchyard_session', value: 'from-before-the-restart', url: base }]);
    await go('playground');
    await restart();
    await page.click('#playground-form button[type=submit]');
    await page.waitForSelector('#session-expired');
    await page.fill('#secret', SECRET);
    await page.press('#secret', 'Enter');
    await page.waitForSelector('main[data-page="playground"]');

    await go('usage');
    await restart();
    await page.click('nav a[href="#/credentials"]');
    await page.waitForSelector('#session-expired');
    expect(await page.textContent('#session-expired')).toContain('Log in again');
    // The secret field has the focus: type and press Enter.
    expect((await focused()).id).toBe('secret');
    await page.keyboard.type(SECRET);
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-page="credentials"] #credentials-table');
    expect(pageErrors).toEqual([]);
  });

  it.skipIf(!lanAddress)(
    'refuses a login from a peer that is not loopback, unless remote management is allowed',
    async () => {
      const strict = await listen(createServer(createNodeListener(gateway().handler)), '0.0.0.0');
      const remote = await listen(createServer(createNodeListener(gateway({ allowRemote: true }).handler)), '0.0.0.0');
      const other = await browser!.newContext();
      try {
        const tab = await other.newPage();
        tab.setDefaultTimeout(5_000);
        await tab.goto(`http://${lanAddress}:${strict}/manage/`);
        await tab.fill('#secret', SECRET);
        await tab.press('#secret', 'Enter');
        await expect.poll(() => tab.textContent('[role=alert]')).toContain('loopback clients only');
        expect((await other.cookies()).find((c) => c.name === 'switchyard_session')).toBeUndefined();

        await tab.goto(`http://${lanAddress}:${remote}/manage/`);
        await tab.fill('#secret', SECRET);
        await tab.press('#secret', 'Enter');
        await tab.waitForSelector('main[data-page="overview"]');
      } finally {
        await other.close();
      }
    },
  );

  it.skipIf(!tls)('marks the session cookie Secure when served over TLS', async () => {
    const server = createHttpsServer(tls!, createNodeListener(gateway({ secureCookie: true }).handler));
    const port = await listen(server, '127.0.0.1');
    const other = await browser!.newContext({ ignoreHTTPSErrors: true });
    try {
      const tab = await other.newPage();
      tab.setDefaultTimeout(5_000);
      await tab.goto(`https://127.0.0.1:${port}/manage/`);
      await tab.fill('#secret', SECRET);
      await tab.press('#secret', 'Enter');
      await tab.waitForSelector('main[data-page="overview"]');
      const cookie = (await other.cookies()).find((c) => c.name === 'switchyard_session')!;
      expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });
      // On plain HTTP the same cookie is not Secure (a browser would drop it).
      expect((await context.cookies()).find((c) => c.name === 'switchyard_session')?.secure).toBe(false);
    } finally {
      await other.close();
    }
  });
});
