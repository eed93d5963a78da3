import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeListener } from '../../src/adapters/node/index.js';
import { Manager, mockExecutor, openaiExecutor } from '../../src/index.js';
import { createDashboardHandler } from '../../src/management/index.js';
import type { OAuthFlowView } from '../../src/oauth/index.js';
import { type FakeOidc, startFakeOidc } from '../fakes/fake-oidc.js';
import { launchChromium } from './browser.js';

// The dashboard's OAuth "Add account" in chromium against the real management OAuth routes
// (src/management/routes/oauth.ts, OAuthFlows) and the fake OpenID provider, end to end: the sign-in
// link's redirect reaches the gateway's callback, the device code is polled in the background, and a
// cancelled login adds nothing.

const SECRET = 'oauth-real-mgmt-secret-7c1d9e4b2a';
const API = '/v0/management';

const { browser, reason } = await launchChromium();

describe.skipIf(!browser)(`OAuth "Add account" against the real routes${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let fake: FakeOidc;
  let manager: Manager;
  let server: Server;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  /** A login as the API answers it, with the management secret. */
  const flowState = async (id: string): Promise<OAuthFlowView> => {
    const res = await fetch(`${base}${API}/oauth/flows/${encodeURIComponent(id)}`, {
      headers: { authorization: `Bearer ${SECRET}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as OAuthFlowView;
  };
  /** Clicks a profile's "Add account" and returns the login the gateway started (201 of POST oauth/flows). */
  const addAccount = async (label: string): Promise<OAuthFlowView> => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`${API}/oauth/flows`)),
      page.click(`button[aria-label="Add account: ${label}"]`),
    ]);
    expect(response.status()).toBe(201);
    return (await response.json()) as OAuthFlowView;
  };
  const showCredentials = async () => {
    await page.goto(`${base}/manage/#/credentials`);
    await page.waitForSelector('main[data-page="credentials"] #credentials-table');
    await page.waitForSelector('#oauth-profiles tr[data-profile="corp-device"]');
  };

  beforeAll(async () => {
    fake = await startFakeOidc({ user: { sub: 'user-1', email: 'ann@example.com' } });
    manager = new Manager({
      executors: [mockExecutor(), openaiExecutor()],
      credentials: [{ id: 'mock-primary', provider: 'mock', apiKey: 'sk-mock-planted-primary-0a1b2c3d4e' }],
    });
    const common = { issuer: fake.issuer, clientId: 'cli-app', provider: 'openai', baseUrl: `${fake.issuer}/v1` };
    const handler = createDashboardHandler(manager, {
      secret: SECRET,
      oauth: [
        { ...common, name: 'corp', label: 'Corp', flow: 'authorization_code', scopes: ['openid', 'email'] },
        { ...common, name: 'corp-device', label: 'Corp device', flow: 'device', scopes: ['openid', 'email'] },
      ],
    });
    server = createServer(createNodeListener(handler));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(5_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${base}/manage/`);
    await page.fill('#secret', SECRET);
    await page.press('#secret', 'Enter');
    await page.waitForSelector('main[data-page="overview"]');
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await fake?.close();
    await manager?.close();
  });

  it('adds an account with a browser sign-in: the link’s redirect reaches the gateway’s callback', {
    timeout: 30_000,
  }, async () => {
    await showCredentials();
    const started = await addAccount('Corp');
    expect(started).toMatchObject({ profile: 'corp', flow: 'authorization_code', state: 'pending' });
    const link = page.locator('#oauth-link');
    await link.waitFor();
    const href = (await link.getAttribute('href'))!;
    expect(href).toBe(started.authorizationUrl);
    const authorize = new URL(href);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${fake.issuer}/authorize`);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${base}${API}/oauth/callback`);

    // The sign-in in a second tab: the fake approves at once and redirects to the callback.
    const [tab] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await tab.waitForLoadState();
    expect(new URL(tab.url()).pathname).toBe(`${API}/oauth/callback`);
    expect(await tab.textContent('body')).toContain('Signed in, you can close this window');
    await tab.close();

    await expect
      .poll(() => page.textContent('#oauth-state'), { timeout: 10_000 })
      .toContain('added as corp-ann-example.com');
    expect(await page.getAttribute('#oauth-flow', 'data-state')).toBe('succeeded');
    const row = page.locator('#credentials-table tr[data-credential="corp-ann-example.com"]');
    await row.waitFor();
    expect(await row.locator('code').textContent()).toBe('oauth');
    expect(await row.locator('[data-testid=token-times]').textContent()).toMatch(/^token until \d/);
    const added = manager.credentials().find((c) => c.id === 'corp-ann-example.com');
    expect(added).toMatchObject({ provider: 'openai', kind: 'oauth', metadata: { account: 'ann@example.com' } });
    expect(added!.oauth!.accessToken).toBe(fake.accessTokens.at(-1));
    expect((await flowState(started.id)).credentialId).toBe('corp-ann-example.com');
    // No token reaches the page.
    const content = await page.content();
    for (const token of [...fake.accessTokens, ...fake.refreshTokens]) expect(content).not.toContain(token);
  });

  it('adds an account with a device code: the page shows the code and reports success', {
    timeout: 40_000,
  }, async () => {
    await showCredentials();
    const started = await addAccount('Corp device');
    expect(started).toMatchObject({ profile: 'corp-device', flow: 'device', state: 'pending', userCode: 'WDJB-MJHT' });
    await page.waitForSelector('#oauth-code');
    expect(await page.textContent('#oauth-code')).toBe('WDJB-MJHT');
    expect(await page.getAttribute('#oauth-verify', 'href')).toBe(`${fake.issuer}/activate?user_code=WDJB-MJHT`);
    expect(await page.textContent('#oauth-verify')).toBe(`${fake.issuer}/activate`);
    // The fake approves the device on its third poll (pending, slow_down: +5 s, then tokens).
    await expect
      .poll(() => page.textContent('#oauth-state'), { timeout: 25_000 })
      .toContain('added as corp-device-ann-example.com');
    expect(fake.tokenCalls.filter((c) => c.grant === 'urn:ietf:params:oauth:grant-type:device_code').length).toBe(3);
    await page.locator('#credentials-table tr[data-credential="corp-device-ann-example.com"]').waitFor();
    expect(manager.credentials().find((c) => c.id === 'corp-device-ann-example.com')).toMatchObject({
      kind: 'oauth',
      provider: 'openai',
    });
    expect((await flowState(started.id)).state).toBe('succeeded');
  });

  it('Cancel ends a device login: the flow is cancelled, its polling stops and no credential is added', {
    timeout: 30_000,
  }, async () => {
    await showCredentials();
    const before = manager
      .credentials()
      .map((c) => c.id)
      .sort();
    const tokensBefore = fake.accessTokens.length;
    const pollsBefore = fake.devicePolls.length;
    const started = await addAccount('Corp device');
    await page.waitForSelector('#oauth-code');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().includes(`/oauth/flows/${started.id}`)),
      page.click('#oauth-flow >> text=Cancel'),
    ]);
    expect(response.status()).toBe(200);
    await expect.poll(() => page.textContent('#oauth-state')).toContain('cancelled');
    expect(await flowState(started.id)).toMatchObject({ id: started.id, state: 'cancelled' });
    expect(await page.isEnabled('button[aria-label="Add account: Corp device"]')).toBe(true);

    // At most one poll so far, so the interval is still 1 s: a live poller would poll within 3 s.
    const polls = fake.devicePolls.length;
    expect(polls - pollsBefore).toBeLessThanOrEqual(1);
    await page.waitForTimeout(3_000);
    expect(fake.devicePolls.length).toBe(polls);
    expect(fake.accessTokens.length).toBe(tokensBefore);
    expect((await flowState(started.id)).state).toBe('cancelled');
    expect(
      manager
        .credentials()
        .map((c) => c.id)
        .sort(),
    ).toEqual(before);
    expect(pageErrors).toEqual([]);
  });
});
