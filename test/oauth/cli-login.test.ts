import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LoginIo, runLogin, runLogout } from '../../src/cli/login-command.js';
import { type FakeOidc, startFakeOidc } from '../fakes/fake-oidc.js';
import { approve } from './helpers.js';

const SECRET = 'svc-secret-0123456789abcdef';
let fake: FakeOidc;
let dir: string;
let config: string;
let out: string[];
let err: string[];

function io(extra: Partial<LoginIo> = {}): LoginIo {
  return {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    env: { SVC_SECRET: SECRET },
    sleep: async () => {},
    ...extra,
  };
}

/** Resolves with the URL the command printed for the browser. */
async function printedUrl(): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const match = /https?:\/\/\S+\/authorize\?\S+/.exec(out.join(''));
    if (match) return match[0];
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no URL printed: ${out.join('')}`);
}

function expectNoSecrets(): void {
  const text = out.join('') + err.join('');
  for (const s of [SECRET, ...fake.accessTokens, ...fake.refreshTokens]) expect(text).not.toContain(s);
}

beforeAll(async () => {
  fake = await startFakeOidc({ clients: [{ id: 'cli-app' }, { id: 'svc-app', secret: SECRET }] });
  dir = await mkdtemp(join(tmpdir(), 'sy-login-'));
  config = join(dir, 'config.yaml');
  await writeFile(
    config,
    `auth-dir: ${join(dir, 'auths')}
oauth-profiles:
  corp:
    issuer: ${fake.issuer}
    client-id: cli-app
    scopes: [openid, email, offline_access]
    flow: authorization_code
    provider: openai
    base-url: ${fake.issuer}/v1
  svc:
    issuer: ${fake.issuer}
    client-id: svc-app
    client-secret: \${SVC_SECRET}
    scopes: [llm]
    flow: client_credentials
    provider: openai
`,
  );
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  out = [];
  err = [];
});

describe('switchyard login', () => {
  it('signs in through the loopback callback and saves the credential (file mode 0600)', async () => {
    const run = runLogin(['corp', '--config', config], io());
    const url = await printedUrl();
    const callback = await approve(url);
    expect(callback.hostname).toBe('127.0.0.1');
    expect(callback.pathname).toBe('/callback');
    // The test client follows the redirect to the CLI's loopback server.
    const page = await fetch(callback);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Signed in, you can close this window');
    expect(await run).toBe(0);
    expect(out.join('')).toMatch(
      /Signed in: corp-ann-example\.com \(openai, ann@example\.com\) saved to the auth directory/,
    );
    const file = join(dir, 'auths', 'openai', 'corp-ann-example.com.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { oauth: { refreshToken: string } };
    expect(saved.oauth.refreshToken).toBe(fake.refreshTokens.at(-1));
    // The loopback port is closed once the login is over.
    await expect(fetch(callback)).rejects.toThrow();
    expectNoSecrets();
  });

  it('takes a pasted redirect URL with --no-browser', async () => {
    const stdin = new PassThrough();
    const run = runLogin(['corp', '-c', config, '--no-browser'], io({ stdin }));
    const callback = await approve(await printedUrl());
    expect(out.join('')).toContain('paste the address your browser ended at');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'someone-elses');
    stdin.write(`${forged.href}\n`);
    await new Promise((r) => setTimeout(r, 50));
    stdin.write(`${callback.href}\n`);
    expect(await run).toBe(0);
    expect(err.join('')).toContain('state does not match');
    expectNoSecrets();
  });

  it('signs in with --device, showing the code and where to enter it', async () => {
    expect(await runLogin(['corp', '-c', config, '--device'], io())).toBe(0);
    const text = out.join('');
    expect(text).toContain(`open ${fake.issuer}/activate and enter the code WDJB-MJHT`);
    expect(text).toContain('Signed in: corp-ann-example.com');
    expectNoSecrets();
  });

  it('gets a service principal’s token with client credentials', async () => {
    expect(await runLogin(['svc', '-c', config], io())).toBe(0);
    expect(out.join('')).toContain('Signed in: svc-svc-app');
    expectNoSecrets();
  });

  it('says which profiles exist when the name is wrong', async () => {
    expect(await runLogin(['nope', '-c', config], io())).toBe(1);
    expect(err.join('')).toContain("no profile 'nope'");
    expect(err.join('')).toContain('known: corp, svc');
  });
});

describe('switchyard logout', () => {
  it('revokes the refresh token (RFC 7009) and deletes the credential', async () => {
    const file = join(dir, 'auths', 'openai', 'corp-ann-example.com.json');
    const { oauth } = JSON.parse(await readFile(file, 'utf8')) as { oauth: { refreshToken: string } };
    expect(await runLogout(['corp-ann-example.com', '-c', config], io())).toBe(0);
    expect(fake.revoked.has(oauth.refreshToken)).toBe(true);
    expect(out.join('')).toContain('Logged out: corp-ann-example.com deleted');
    expect(out.join('')).toContain('token revoked');
    await expect(stat(file)).rejects.toThrow();
    expect(await runLogout(['corp-ann-example.com', '-c', config], io())).toBe(1);
    expectNoSecrets();
  });
});

describe('the switchyard binary', () => {
  it('dispatches login and logout', async () => {
    const run = promisify(execFile);
    const main = join(import.meta.dirname, '../../src/cli/main.ts');
    const env = { ...process.env, SVC_SECRET: SECRET };
    const login = await run(process.execPath, ['--import', 'tsx', main, 'login', 'svc', '-c', config], { env });
    expect(login.stdout).toContain('Signed in: svc-svc-app');
    const logout = await run(process.execPath, ['--import', 'tsx', main, 'logout', 'svc-svc-app', '-c', config], {
      env,
    });
    expect(logout.stdout).toContain('Logged out: svc-svc-app deleted');
    for (const s of [SECRET, ...fake.accessTokens])
      expect(login.stdout + login.stderr + logout.stdout).not.toContain(s);
  }, 30_000);
});
