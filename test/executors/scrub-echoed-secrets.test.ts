import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicExecutor } from '../../src/executors/anthropic/anthropic-executor.js';
import type { HttpExecutor } from '../../src/executors/base/types.js';
import { geminiExecutor } from '../../src/executors/gemini/gemini-executor.js';
import { openaiExecutor } from '../../src/executors/openai/openai-executor.js';
import type { Dialect } from '../../src/translate/dialect.js';
import { type FakeServer, type RecordedRequest, startFakeServer } from '../fakes/fake-server.js';
import { credential, exposedText, rejection, request } from './helpers.js';

/** A key with characters that URL-encoding and base64url change. */
const KEY = 'sk-live/Ab+cd=ef gh~!*(ij)';
const TENANT = 'tenant-7f3a9c-private';
const BASIC_USER_PASS = 'svc-user:proxy-pass/word+9';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** Every form of the secrets the fake echoes; none may survive into the error. */
const ECHOED = [
  encodeURIComponent(KEY),
  new URLSearchParams({ k: KEY }).toString().slice(2),
  b64(KEY),
  b64url(KEY),
  b64(`user:${KEY}`).slice(8, -4),
  TENANT,
  encodeURIComponent(TENANT),
  b64(TENANT),
  b64(BASIC_USER_PASS),
  encodeURIComponent(BASIC_USER_PASS),
  b64url('proxy-pass/word+9'),
];

/** An upstream that quotes back, encoded every way, what it was sent: a misconfigured proxy would. */
function echo(req: RecordedRequest): string {
  const sent = [
    req.headers['x-api-key'],
    req.headers['x-goog-api-key'],
    String(req.headers.authorization ?? '').replace(/^Bearer /, ''),
  ].find((v) => typeof v === 'string' && v.length > 0) as string;
  const tenant = String(req.headers['x-tenant']);
  const basic = String(req.headers['x-proxy-authorization']).replace(/^Basic /, '');
  const userPass = Buffer.from(basic, 'base64').toString('utf8');
  return [
    `key=${encodeURIComponent(sent)}`,
    `form=${new URLSearchParams({ k: sent }).toString().slice(2)}`,
    `b64=${b64(sent)}`,
    `b64url=${b64url(sent)}`,
    `basic-key=${b64(`user:${sent}`)}`,
    `tenant=${tenant} ${encodeURIComponent(tenant)} ${b64(tenant)}`,
    `proxy=${basic} ${encodeURIComponent(userPass)} ${b64url(userPass.split(':')[1]!)}`,
  ].join('; ');
}

const errorBodies: Record<string, (text: string) => unknown> = {
  openai: (text) => ({ error: { message: `Incorrect API key provided: ${text}`, type: 'invalid_request_error' } }),
  anthropic: (text) => ({ type: 'error', error: { type: 'authentication_error', message: text } }),
  gemini: (text) => ({ error: { code: 400, message: text, status: 'INVALID_ARGUMENT' } }),
};

let fake: FakeServer;
let provider = 'openai';
beforeAll(async () => {
  fake = await startFakeServer((req) => ({ status: 401, body: errorBodies[provider]!(echo(req)) }));
});
afterAll(() => fake.close());

const cases: Array<[string, () => HttpExecutor, Dialect, Record<string, unknown>, string]> = [
  ['openai', () => openaiExecutor(), 'openai-chat', { model: 'gpt-4o', messages: [] }, '/v1'],
  ['anthropic', () => anthropicExecutor(), 'anthropic-messages', { model: 'claude-x', messages: [] }, ''],
  ['gemini', () => geminiExecutor(), 'gemini', { contents: [] }, ''],
];

describe.each(cases)('%s executor: secrets echoed encoded by the upstream', (name, make, dialect, body, path) => {
  const executor = make();
  afterAll(() => executor.close());

  it.each([
    ['in the error message and upstream body', false],
    ['in the model list error', true],
  ])('are scrubbed %s', async (_label, listing) => {
    provider = name;
    const cred = credential(`${fake.url}${path}`, {
      provider: name,
      apiKey: KEY,
      headers: { 'x-tenant': TENANT, 'x-proxy-authorization': `Basic ${b64(BASIC_USER_PASS)}` },
    });
    const err = await rejection(
      listing ? executor.listModels(cred) : executor.execute(request(cred, dialect, body, { model: 'm' })),
    );
    const exposed = exposedText(err);
    // The fake did echo them: the message keeps its shape, with the secrets replaced.
    expect(exposed).toContain('[redacted]');
    expect(exposed).toContain('key=');
    for (const form of ECHOED) expect(exposed).not.toContain(form);
    expect(JSON.stringify(err.upstream?.body ?? '')).not.toContain(encodeURIComponent(KEY));
  });
});
