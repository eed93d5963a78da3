import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway, stopAllGateways } from '../e2e/gateway.js';
import { type FakeAnthropic, startFakeAnthropic } from '../fakes/fake-anthropic.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai.js';
import { launchChromium } from './browser.js';

// Planted secrets: none of them may appear in the page or in any answer it receives.
const MGMT_SECRET = 'planted-mgmt-secret-7f3a9c1e5d';
const ANTHROPIC_KEY = 'sk-ant-planted-anthropic-4b8e2d6f0a';
const OPENAI_KEY = 'sk-planted-openai-added-9c1d3e5f7b';
const CLIENT_KEY = 'sk-planted-config-client-2a4c6e8f0b';
/** Written into the config file as such (not from the environment): the Config page shows it masked. */
const LITERAL_KEY = 'sk-planted-literal-client-6d8f0a2c4e';
const PLANTED = [MGMT_SECRET, ANTHROPIC_KEY, OPENAI_KEY, CLIENT_KEY, LITERAL_KEY];
/** A `${NAME}` reference to the environment, as the config file holds it. */
const ref = (name: string) => `\${${name}}`;

const { browser, reason } = await launchChromium();
const shots = mkdtempSync(join(tmpdir(), 'switchyard-dashboard-shots-'));

describe.skipIf(!browser)(`dashboard in chromium${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let gateway: Gateway;
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let context: BrowserContext;
  let page: Page;
  const bodies: Array<{ url: string; text: string }> = [];
  const errors: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [openai, anthropic] = await Promise.all([
      startFakeOpenAI({ text: 'Hello from the fake upstream' }),
      startFakeAnthropic(),
    ]);
    // Secrets reach the config through the environment, so the Config page can save the file back.
    Object.assign(process.env, {
      DASH_MGMT_SECRET: MGMT_SECRET,
      DASH_ANTHROPIC_KEY: ANTHROPIC_KEY,
      DASH_CLIENT_KEY: CLIENT_KEY,
    });
    gateway = await startGateway({
      'api-keys': [ref('DASH_CLIENT_KEY'), LITERAL_KEY],
      'remote-management': { 'secret-key': ref('DASH_MGMT_SECRET') },
      'claude-api-key': [{ 'api-key': ref('DASH_ANTHROPIC_KEY'), 'base-url': anthropic.url, id: 'claude-main' }],
    });
    context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(5_000);
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('response', async (res) => {
      try {
        bodies.push({ url: res.url(), text: (await res.body()).toString('utf8') });
      } catch {
        // a redirect or an aborted stream has no body to read
      }
    });
    mkdirSync(shots, { recursive: true });
    console.log(`[dashboard] screenshots in ${shots}`);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stopAllGateways();
    await Promise.all([openai?.close(), anthropic?.close()]);
  });

  const go = async (id: string) => {
    await page.click(`nav a[href="#/${id}"]`);
    await page.waitForSelector(`main[data-page="${id}"]`);
  };
  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const domHasNoSecret = async () => {
    const html = await page.content();
    for (const s of PLANTED) expect(html).not.toContain(s);
  };

  it('refuses a wrong secret, then logs in to a session cookie that is HttpOnly and SameSite=Strict', async () => {
    const index = await page.goto(`${gateway.url}/manage/`);
    const csp = index!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    await page.fill('#secret', 'not-the-secret');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[role=alert]')).toContain('wrong');
    await page.fill('#secret', MGMT_SECRET);
    await page.click('button[type=submit]');
    await page.waitForSelector('main[data-page="overview"]');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'switchyard_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Strict');
    expect(session.path).toBe('/');
    expect(session.expires).toBeGreaterThan(Date.now() / 1000);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.inputValue('#secret').catch(() => '')).toBe('');
    await domHasNoSecret();
  });

  it('refuses a write without the CSRF token, with the session cookie', async () => {
    const status = await page.evaluate(async () => {
      const res = await fetch('/v0/management/credentials/claude-main/disable', { method: 'POST' });
      return res.status;
    });
    expect(status).toBe(403);
  });

  it('adds a credential through the form, with the server refusing a bad one first', async () => {
    await go('credentials');
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLOptionElement>('#cred-provider option')].some((o) => o.value === 'openai'),
    );
    await page.fill('#cred-id', 'claude-main');
    await page.selectOption('#cred-provider', 'openai');
    await page.fill('#cred-apiKey', OPENAI_KEY);
    await page.click('#add-credential button[type=submit]');
    await expect.poll(() => page.textContent('#add-credential [role=alert]')).toContain('claude-main');
    await page.fill('#cred-id', 'added-openai');
    await page.fill('#cred-apiKey', OPENAI_KEY);
    await page.fill('#cred-baseUrl', openai.baseUrl);
    await page.click('#add-credential button[type=submit]');
    await page.waitForSelector('#credentials-table tr[data-credential="added-openai"]');
    const masked = await page.textContent('#credentials-table tr[data-credential="added-openai"] code');
    expect(masked).toBe('sk-p…7f7b'.replace('7f7b', OPENAI_KEY.slice(-4)));
    await domHasNoSecret();
  });

  it('the playground sends a request that the added credential serves, and streams text as it arrives', async () => {
    await go('playground');
    // The models route lists what the upstreams report; the fake OpenAI lists gpt-4o-mini.
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLOptionElement>('#pg-model option')].some((o) => o.value === 'gpt-4o-mini'),
    );
    await page.selectOption('#pg-model', 'gpt-4o-mini');
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLOptionElement>('#pg-credential option')].some(
        (o) => o.value === 'added-openai',
      ),
    );
    await page.selectOption('#pg-credential', 'added-openai');
    await page.uncheck('#pg-stream');
    await page.click('#playground-form button[type=submit]');
    await page.waitForSelector('#pg-meta');
    expect(await page.textContent('[data-testid=pg-credential]')).toContain('added-openai');
    expect(await page.textContent('#pg-answer')).toBe('Hello from the fake upstream');
    const sent = JSON.parse((await page.textContent('#pg-request'))!);
    expect(sent).toMatchObject({ model: 'gpt-4o-mini', messages: [{ role: 'user' }], max_tokens: 256 });
    expect(openai.last?.body).toMatchObject({ model: 'gpt-4o-mini', max_tokens: 256 });

    // Every text the answer shows, in order: a stream shows growing prefixes before the whole text.
    await page.evaluate(() => {
      const el = document.querySelector('#pg-answer')!;
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        const t = el.textContent ?? '';
        if (seen.at(-1) !== t) seen.push(t);
      }).observe(el, { childList: true, characterData: true, subtree: true });
    });
    openai.script({ chunkDelayMs: 60 });
    await page.check('#pg-stream');
    await page.click('#playground-form button[type=submit]');
    await page.waitForSelector('#pg-meta');
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen.filter(Boolean));
    expect(seen.at(-1)).toBe('Hello from the fake upstream');
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.startsWith(seen[i - 1]!)).toBe(true);
    expect(await page.textContent('[data-testid=pg-usage]')).toMatch(/\d+ in, \d+ out/);
    await shot('playground');
  });

  let createdKey = '';
  it('creates a client key, shown once, that works with the OpenAI SDK; its usage shows on the Usage page', async () => {
    await go('keys');
    await page.fill('#key-name', 'sdk-bot');
    await page.fill('#key-cost', '5');
    await page.click('#create-key button[type=submit]');
    await page.waitForSelector('#new-key, main [role=alert]');
    expect(await page.$eval('main', (m) => m.querySelector('[role=alert]')?.textContent ?? '')).toBe('');
    createdKey = await page.inputValue('#new-key');
    expect(createdKey).toMatch(/^sk-/);
    const client = new OpenAI({ apiKey: createdKey, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const answer = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi from the sdk' }],
    });
    expect(answer.choices[0]?.message.content).toBe('Hello from the fake upstream');
    await page.reload();
    await page.waitForSelector('#keys-table tr');
    expect(await page.textContent('#keys-table')).toContain('sdk-bot');
    expect(await page.content()).not.toContain(createdKey);
    await shot('client-keys');

    await go('usage');
    await page.fill('#f-key', 'sdk-bot');
    await page.click('#usage-filters button[type=submit]');
    // The filtered page replaces the unfiltered one: wait until every row is the key's.
    const rowsOf = () => page.$$eval('#usage-table tbody tr', (trs) => trs.map((t) => t.textContent ?? ''));
    await expect.poll(async () => (await rowsOf()).map((r) => r.includes('sdk-bot'))).toEqual([true]);
    const rows = await rowsOf();
    expect(rows[0]).toContain('added-openai');
    const download = page.waitForEvent('download');
    await page.click('text=Download CSV');
    const csv = await (await download).createReadStream().then(async (s) => {
      let out = '';
      for await (const chunk of s) out += chunk;
      return out;
    });
    expect(csv.split('\n')[0]).toContain('timestamp,principal,credentialId');
    expect(csv).toContain('sdk-bot');
    await shot('usage');
  });

  it('shows a credential cooling on the Overview after its upstream answers 429', async () => {
    anthropic.script({
      status: 429,
      headers: { 'retry-after': '120' },
      body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
    });
    const res = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': CLIENT_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(429);
    await go('overview');
    const row = '#status-table tr[data-credential="claude-main"]';
    await expect
      .poll(() => page.getAttribute(`${row} [data-state]`, 'data-state'), { timeout: 10_000 })
      .toBe('cooling');
    expect(await page.textContent(row)).toMatch(/cooling .*rate/);
    await shot('overview');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('overview-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows the line of a mistake in the config, and saves a good edit', async () => {
    await go('config');
    await page.waitForSelector('#config-text');
    const text = await page.inputValue('#config-text');
    expect(text).toContain(ref('DASH_MGMT_SECRET'));
    const lines = text.split('\n').length;
    await page.fill('#config-text', `${text.trimEnd()}\nbogus-key: 1\n`);
    await page.click('#config-form button[type=submit]');
    await page.waitForSelector('#config-error [role=alert]');
    expect(await page.textContent('#config-error')).toContain('bogus-key');
    const bad = await page.$$eval('.gutter .bad-line', (els) => els.map((e) => e.getAttribute('data-line')));
    expect(bad).toEqual([String(lines)]);
    await shot('config');

    // The literal key is shown masked; an edited mask has no secret to keep, and its line is marked.
    const mask = `${LITERAL_KEY.slice(0, 4)}…${LITERAL_KEY.slice(-4)}`;
    expect(text).toContain(`- ${mask}`);
    const maskLine = text.split('\n').findIndex((l) => l.includes(mask)) + 1;
    await page.fill('#config-text', text.replace(mask, `${mask}0`));
    await page.click('#config-form button[type=submit]');
    await expect.poll(() => page.textContent('#config-error')).toContain('api-keys.1');
    expect(await page.textContent('#config-error')).toContain('not the mask of the running secret');
    expect(await page.$$eval('.gutter .bad-line', (els) => els.map((e) => e.getAttribute('data-line')))).toEqual([
      String(maskLine),
    ]);

    // Saved back as shown, the masked secret keeps its value: the key still works, the file still holds it.
    await page.fill('#config-text', text);
    await page.click('#config-form button[type=submit]');
    await page.waitForSelector('#config-form [role=status]');
    expect(readFileSync(gateway.configPath, 'utf8')).toContain(LITERAL_KEY);
    const models = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${LITERAL_KEY}` } });
    expect(models.status).toBe(200);
  });

  it('never shows a planted secret in the page or any answer it received, and the page threw nothing', async () => {
    await go('credentials');
    await page.waitForSelector('#credentials-table');
    await shot('credentials');
    await domHasNoSecret();
    expect(bodies.length).toBeGreaterThan(20);
    for (const { url, text } of bodies) for (const s of PLANTED) expect(text, url).not.toContain(s);
    expect(bodies.every(({ url }) => url.startsWith(gateway.url))).toBe(true);
    expect(errors).toEqual([]);
    // The refusals the tests provoked (wrong secret, CSRF, duplicate id, bad config) are all the console saw.
    expect(consoleErrors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
    await page.click('text=Log out');
    await page.waitForSelector('#secret');
    expect((await context.cookies()).find((c) => c.name === 'switchyard_session')).toBeUndefined();
  });
});
