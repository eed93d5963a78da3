import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromConfig, type Switchyard } from '../../src/config/index.js';
import type { CallerDialect as Dialect } from '../../src/translate/dialect.js';
import { type FakeAnthropic, startFakeAnthropic } from '../fakes/fake-anthropic.js';
import { type FakeGemini, startFakeGemini } from '../fakes/fake-gemini.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai.js';

type Kind = 'openai' | 'openai-compatible' | 'openai-compatible+responses' | 'codex' | 'anthropic' | 'gemini';
const CALLERS: readonly Dialect[] = ['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini'];

/** The upstream path each (caller dialect × upstream kind) pair must reach. */
const ROUTES: Record<Kind, Record<Dialect, string>> = {
  openai: {
    'openai-chat': '/v1/chat/completions',
    'openai-responses': '/v1/responses',
    'anthropic-messages': '/v1/chat/completions',
    gemini: '/v1/chat/completions',
  },
  'openai-compatible': {
    'openai-chat': '/v1/chat/completions',
    'openai-responses': '/v1/chat/completions',
    'anthropic-messages': '/v1/chat/completions',
    gemini: '/v1/chat/completions',
  },
  'openai-compatible+responses': {
    'openai-chat': '/v1/chat/completions',
    'openai-responses': '/v1/responses',
    'anthropic-messages': '/v1/chat/completions',
    gemini: '/v1/chat/completions',
  },
  codex: {
    'openai-chat': '/v1/responses',
    'openai-responses': '/v1/responses',
    'anthropic-messages': '/v1/responses',
    gemini: '/v1/responses',
  },
  anthropic: {
    'openai-chat': '/v1/messages',
    'openai-responses': '/v1/messages',
    'anthropic-messages': '/v1/messages',
    gemini: '/v1/messages',
  },
  gemini: {
    'openai-chat': '/v1beta/models/gemini-route:generateContent',
    'openai-responses': '/v1beta/models/gemini-route:generateContent',
    'anthropic-messages': '/v1beta/models/gemini-route:generateContent',
    gemini: '/v1beta/models/gemini-route:generateContent',
  },
};

const MODEL: Record<Kind, string> = {
  openai: 'gpt-4o',
  'openai-compatible': 'compat-route',
  'openai-compatible+responses': 'compat-responses-route',
  codex: 'gpt-5-codex',
  anthropic: 'claude-route',
  gemini: 'gemini-route',
};

function body(dialect: Dialect, model: string): Record<string, unknown> {
  switch (dialect) {
    case 'openai-chat':
      return { model, messages: [{ role: 'user', content: 'route?' }] };
    case 'openai-responses':
      return { model, input: 'route?' };
    case 'anthropic-messages':
      return { model, max_tokens: 32, messages: [{ role: 'user', content: 'route?' }] };
    case 'gemini':
      return { model, contents: [{ role: 'user', parts: [{ text: 'route?' }] }] };
  }
}

let dir: string;
let openai: FakeOpenAI;
let compat: FakeOpenAI;
let anthropic: FakeAnthropic;
let gemini: FakeGemini;
const apps: Partial<Record<Kind, Switchyard>> = {};
const fakeOf = (kind: Kind) =>
  kind === 'anthropic'
    ? anthropic
    : kind === 'gemini'
      ? gemini
      : kind === 'openai' || kind === 'codex'
        ? openai
        : compat;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-routes-'));
  [openai, compat, anthropic, gemini] = await Promise.all([
    startFakeOpenAI(),
    startFakeOpenAI(),
    startFakeAnthropic(),
    startFakeGemini(),
  ]);
  const authDir = join(dir, 'auths');
  const base = { 'auth-dir': authDir };
  // First-party OpenAI comes from OPENAI_API_KEY; the fake stands in for api.openai.com.
  apps.openai = await fromConfig(base, { env: { OPENAI_API_KEY: 'sk-first-party' } });
  for (const c of apps.openai.manager.credentials()) {
    await apps.openai.manager.store.save({ ...c, baseUrl: openai.baseUrl });
  }
  apps.codex = await fromConfig({
    ...base,
    'codex-api-key': [{ 'api-key': 'sk-codex', 'base-url': openai.baseUrl, id: 'codex-main' }],
  });
  apps['openai-compatible'] = await fromConfig({
    ...base,
    // Named `openai`, it is still a Chat Completions service and must not replace first-party OpenAI.
    'openai-compatibility': [
      {
        name: 'openai',
        'base-url': compat.baseUrl,
        'api-key-entries': [{ 'api-key': 'sk-compat' }],
        models: [{ name: MODEL['openai-compatible'] }],
      },
    ],
  });
  apps['openai-compatible+responses'] = await fromConfig({
    ...base,
    'openai-compatibility': [
      {
        name: 'Resp Cloud',
        'base-url': compat.baseUrl,
        responses: true,
        'api-key-entries': [{ 'api-key': 'sk-compat-r' }],
        models: [{ name: MODEL['openai-compatible+responses'] }],
      },
    ],
  });
  apps.anthropic = await fromConfig({
    ...base,
    'claude-api-key': [{ 'api-key': 'sk-ant', 'base-url': anthropic.url }],
  });
  apps.gemini = await fromConfig({ ...base, 'gemini-api-key': [{ 'api-key': 'AIza-r', 'base-url': gemini.url }] });
});

afterAll(async () => {
  for (const app of Object.values(apps)) await app?.close();
  await Promise.all([openai?.close(), compat?.close(), anthropic?.close(), gemini?.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe('each kind of upstream is sent the wire API it really has', () => {
  for (const kind of Object.keys(ROUTES) as Kind[]) {
    for (const caller of CALLERS) {
      for (const stream of [false, true]) {
        it(`${caller} → ${kind}${stream ? ' (stream)' : ''}: ${ROUTES[kind][caller]}`, async () => {
          const fake = fakeOf(kind);
          const before = fake.requests.length;
          const result = await apps[kind]!.manager.execute({
            dialect: caller,
            body: { ...body(caller, MODEL[kind]), ...(stream && caller !== 'gemini' ? { stream: true } : {}) },
            stream,
          });
          if (result.stream) for await (const _ of result.body as AsyncIterable<Uint8Array>);
          const sent = fake.requests.slice(before).filter((r) => r.method === 'POST');
          expect(sent).toHaveLength(1);
          const expected = stream
            ? ROUTES[kind][caller].replace(':generateContent', ':streamGenerateContent')
            : ROUTES[kind][caller];
          expect(sent[0]!.path.split('?')[0]).toBe(expected);
        });
      }
    }
  }

  it('codex counts tokens at /responses/input_tokens, whatever the caller', async () => {
    const before = openai.requests.length;
    const result = await apps.codex!.manager.execute({
      dialect: 'anthropic-messages',
      operation: 'count_tokens',
      body: body('anthropic-messages', MODEL.codex),
    });
    expect(result.status).toBe(200);
    expect(openai.requests.slice(before).map((r) => r.path)).toEqual(['/v1/responses/input_tokens']);
  });

  it('an openai-compatibility entry named openai gets its own provider id', () => {
    expect(apps['openai-compatible']!.manager.credentials().map((c) => c.provider)).toEqual(['openai-compat']);
    expect(apps.codex!.manager.credentials().map((c) => [c.id, c.provider])).toEqual([['codex-main', 'codex']]);
  });
});
