import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { oauthProfilesFromConfig } from '../config/oauth-from-config.js';
import { SwitchyardError } from '../core/errors.js';
import type { TokenStore } from '../manager/stores/types.js';
import { saveLoginCredential } from '../oauth/credential-from-tokens.js';
import type { OAuthFetch } from '../oauth/discovery.js';
import { OAuthFlows, type OAuthFlowView } from '../oauth/oauth-flows.js';
import { openStore } from './import-command.js';

export const LOGIN_HELP = `switchyard login — sign an OAuth account in and add it to the token store

Usage:
  switchyard login <profile> [--config file] [--device | --no-browser]

The profile is a block of "oauth-profiles:" in the config (see docs/oauth.md). For a profile with
flow authorization_code, switchyard listens on an ephemeral 127.0.0.1 port for the callback and
prints the URL to open in a browser; the new credential is saved to the token store the config names
(PostgreSQL, else the auth directory; files mode 0600), named after the account.

Options:
  -c, --config <file>   The gateway's YAML config. Default ./config.yaml.
      --device          Use the device authorization grant: enter a code on another device.
      --no-browser      The browser runs elsewhere: after signing in, paste the address it ended at
                        (the page may fail to load) and press Enter.
  -h, --help            This help.
`;

export const LOGOUT_HELP = `switchyard logout — revoke an OAuth credential and delete it from the token store

Usage:
  switchyard logout <credential-id> [--config file]

Revokes the credential's refresh token (else its access token) when its profile's server supports
token revocation (RFC 7009), then deletes the credential from the token store.

Options:
  -c, --config <file>   The gateway's YAML config. Default ./config.yaml.
  -h, --help            This help.
`;

/** Where the login and logout commands read and write. */
export interface LoginIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Lines typed by the user (paste mode). Default: process.stdin. */
  stdin?: NodeJS.ReadableStream;
  /** Aborts the login (Ctrl-C). */
  signal?: AbortSignal;
  /** `fetch` for the OAuth exchanges (tests). */
  fetch?: OAuthFetch;
  /** Waits between device polls (tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * `switchyard login <profile>`: runs the profile's flow (authorization code with a loopback callback
 * or a pasted redirect URL, device code, client credentials) and saves the credential. Returns the
 * exit code: 0 signed in, 1 failed (the message says why, never quoting a token), 2 usage, 130 cancelled.
 */
export async function runLogin(args: string[], io: LoginIo): Promise<number> {
  let parsed: ReturnType<typeof parseLoginArgs>;
  try {
    parsed = parseLoginArgs(args);
  } catch (err) {
    io.stderr(`switchyard login: ${(err as Error).message}\n\n${LOGIN_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(LOGIN_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    io.stderr(`switchyard login: name one profile\n\n${LOGIN_HELP}`);
    return 2;
  }
  if (values.device && values['no-browser']) {
    io.stderr('switchyard login: --device and --no-browser do not go together\n');
    return 2;
  }
  const name = positionals[0]!;
  let store: TokenStore | undefined;
  let server: Server | undefined;
  let flows: OAuthFlows | undefined;
  try {
    const { config, path } = await readConfig(values.config, io.env);
    const profiles = oauthProfilesFromConfig(config);
    if (profiles.length === 0) {
      io.stderr(`switchyard login: ${path} has no oauth-profiles; add one (see docs/oauth.md)\n`);
      return 1;
    }
    const target = await openStore(config, io.env);
    store = target.store;
    const s = store;
    flows = new OAuthFlows({
      profiles,
      save: (c) => saveLoginCredential(c, s),
      ...(io.fetch ? { fetch: io.fetch } : {}),
      ...(io.sleep ? { sleep: io.sleep } : {}),
    });
    const profile = flows.profile(name);
    if (!profile) {
      io.stderr(
        `switchyard login: no profile '${name}' in ${path}; known: ${profiles.map((p) => p.name).join(', ')}\n`,
      );
      return 1;
    }
    const registry = flows;
    io.signal?.addEventListener('abort', () => registry.close(), { once: true });
    const kind = values.device ? 'device' : profile.flow;
    let flow: OAuthFlowView;
    if (kind === 'authorization_code') {
      server = await listenForCallback(registry);
      const { port } = server.address() as AddressInfo;
      flow = await registry.start(name, { redirectUri: `http://127.0.0.1:${port}/callback` });
      io.stdout(
        `Open this URL in a browser to sign in with ${profile.label ?? name}:\n\n  ${flow.authorizationUrl}\n\n`,
      );
      if (values['no-browser']) {
        io.stdout(
          'After signing in, paste the address your browser ended at (the page may fail to load), then Enter:\n',
        );
        void readPasted(io, registry, flow.id);
      } else {
        io.stdout(`Waiting for the browser on http://127.0.0.1:${port}/callback ...\n`);
      }
    } else if (kind === 'device') {
      flow = await registry.start(name, { flow: 'device' });
      io.stdout(
        `To sign in, open ${flow.verificationUri} and enter the code ${flow.userCode}\n` +
          (flow.verificationUriComplete ? `  (or open ${flow.verificationUriComplete})\n` : '') +
          `Waiting for approval (the code expires at ${flow.expiresAt}) ...\n`,
      );
    } else {
      flow = await registry.start(name);
    }
    const done = (await registry.wait(flow.id)) ?? flow;
    if (done.state === 'succeeded') {
      const saved = await store.get(done.credentialId!);
      const account = saved?.metadata?.account;
      io.stdout(
        `Signed in: ${done.credentialId} (${profile.provider}${typeof account === 'string' ? `, ${account}` : ''}) saved to ${target.where}\n`,
      );
      return 0;
    }
    if (done.state === 'cancelled') {
      io.stderr('switchyard login: cancelled\n');
      return 130;
    }
    io.stderr(`switchyard login: ${done.error ?? `the login ${done.state}`}\n`);
    return 1;
  } catch (err) {
    io.stderr(`switchyard login: ${SwitchyardError.is(err) || err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    flows?.close();
    if (server) {
      server.closeAllConnections();
      server.close();
    }
    await store?.close?.();
  }
}

/**
 * `switchyard logout <credential>`: revokes the credential's token at its profile's server when it can
 * (RFC 7009), then deletes it. A revocation that fails is reported and the credential deleted anyway.
 */
export async function runLogout(args: string[], io: LoginIo): Promise<number> {
  let parsed: ReturnType<typeof parseLogoutArgs>;
  try {
    parsed = parseLogoutArgs(args);
  } catch (err) {
    io.stderr(`switchyard logout: ${(err as Error).message}\n\n${LOGOUT_HELP}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout(LOGOUT_HELP);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    io.stderr(`switchyard logout: name one credential\n\n${LOGOUT_HELP}`);
    return 2;
  }
  const id = parsed.positionals[0]!;
  let store: TokenStore | undefined;
  try {
    const { config } = await readConfig(parsed.values.config, io.env);
    const target = await openStore(config, io.env);
    store = target.store;
    const credential = await store.get(id);
    if (!credential) {
      io.stderr(`switchyard logout: no credential '${id}' in ${target.where}\n`);
      return 1;
    }
    const flows = new OAuthFlows({
      profiles: oauthProfilesFromConfig(config),
      save: (c) => Promise.resolve(c),
      ...(io.fetch ? { fetch: io.fetch } : {}),
    });
    let revoked = 'not revoked (no OAuth profile with a revocation endpoint for it)';
    try {
      if (await flows.revoke(credential)) revoked = 'token revoked';
    } catch (err) {
      revoked = `revocation failed (${SwitchyardError.is(err) || err instanceof Error ? err.message : String(err)})`;
    }
    await store.delete(id);
    io.stdout(`Logged out: ${id} deleted from ${target.where}; ${revoked}\n`);
    return 0;
  } catch (err) {
    io.stderr(`switchyard logout: ${SwitchyardError.is(err) || err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await store?.close?.();
  }
}

async function readConfig(file: string | undefined, env: NodeJS.ProcessEnv) {
  const path = file ?? './config.yaml';
  if (!file && !existsSync(path)) {
    throw new Error('no config: pass --config <file> (the one with oauth-profiles:), or run where config.yaml is');
  }
  const { config } = await loadConfig(path, { env });
  return { config, path };
}

/** A loopback server taking the authorization server's redirect, for the login's lifetime. */
async function listenForCallback(flows: OAuthFlows): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    flows.callback(url.searchParams).then(
      (flow) => {
        const ok = flow.state === 'succeeded';
        const text = ok
          ? 'Signed in, you can close this window.'
          : `Sign-in failed: ${flow.error ?? flow.state}. See the terminal.`;
        res.writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8' }).end(page(text));
      },
      (err: unknown) => {
        res
          .writeHead(400, { 'content-type': 'text/html; charset=utf-8' })
          .end(page(`Sign-in refused: ${(err as Error).message}`));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return server;
}

async function readPasted(io: LoginIo, flows: OAuthFlows, id: string): Promise<void> {
  const lines = createInterface({ input: io.stdin ?? process.stdin, terminal: false });
  // Signed in through the loopback callback after all: stop reading, so the process can exit.
  void flows.wait(id).then(() => lines.close());
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      try {
        const flow = await flows.submit(id, /^https?:\/\//i.test(line.trim()) ? { url: line } : { code: line });
        if (flow?.state !== 'pending') return;
      } catch (err) {
        io.stderr(`${(err as Error).message}; paste the whole address again\n`);
      }
      if (flows.get(id)?.state !== 'pending') return;
    }
  } finally {
    lines.close();
  }
}

function page(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>switchyard</title><p>${escaped}</p>\n`;
}

function parseLoginArgs(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      device: { type: 'boolean' },
      'no-browser': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
}

function parseLogoutArgs(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
}
