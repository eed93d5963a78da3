import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geminiExecutor } from '../../src/executors/gemini/gemini-executor.js';
import { type FakeGemini, geminiError, startFakeGemini } from '../fakes/fake-gemini.js';
import { countTokens } from '../fakes/fake-server.js';
import { API_KEY, credential, exposedText, readText, rejection, request } from './helpers.js';

let fake: FakeGemini;
const executor = geminiExecutor();
const body = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
const gemini = (extra: Partial<Parameters<typeof request>[3]> = {}, b: Record<string, unknown> = body) =>
  request(credential(fake.url), 'gemini', b, { model: 'gemini-2.5-flash', ...extra });

beforeAll(async () => {
  fake = await startFakeGemini();
});
afterAll(async () => {
  await fake.close();
  await executor.close();
});

describe('geminiExecutor: success', () => {
  it('posts :generateContent with x-goog-api-key and the model in the path only', async () => {
    const res = await executor.execute(gemini({}, { ...body, model: 'gemini-2.5-flash' }));
    const json = JSON.parse(await readText(res.body));
    expect(json.candidates[0].content.parts[0].text).toBe('Hello from fake Gemini');
    expect(fake.last!.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(fake.last!.headers['x-goog-api-key']).toBe(API_KEY);
    expect(fake.last!.body).toEqual(body);
    expect(res.quota).toBeUndefined();
  });

  it('streams :streamGenerateContent?alt=sse with thought parts and signatures', async () => {
    fake.reply = { thinking: 'Hmm', text: 'Hello there' };
    const res = await executor.execute(gemini({ stream: true }));
    const text = await readText(res.body);
    fake.reply = { text: 'Hello from fake Gemini' };
    expect(fake.last!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(fake.last!.headers.accept).toBe('text/event-stream');
    const events = text.split('\r\n\r\n').filter(Boolean);
    expect(events.length).toBe(3);
    expect(events[0]).toContain('"thought":true');
    expect(events[1]).toContain('"thoughtSignature"');
    expect(events.at(-1)).toContain('"finishReason":"STOP"');
  });

  it('counts tokens on :countTokens', async () => {
    const res = await executor.execute(gemini({ operation: 'count_tokens' }));
    expect(fake.last!.path).toBe('/v1beta/models/gemini-2.5-flash:countTokens');
    // The fake counts what it received: system instruction, contents and tools, four characters a token.
    expect(fake.last!.body).toEqual(body);
    expect(JSON.parse(await readText(res.body)).totalTokens).toBe(countTokens([undefined, body.contents, undefined]));
  });

  it('lists models without the models/ prefix', async () => {
    const models = await executor.listModels(credential(fake.url, { id: 'list' }));
    expect(fake.last!.path).toBe('/v1beta/models?pageSize=1000');
    expect(models).toEqual([
      { id: 'gemini-2.5-flash', provider: 'gemini', displayName: 'Gemini 2.5 Flash' },
      { id: 'gemini-2.5-pro', provider: 'gemini', displayName: 'Gemini 2.5 Pro' },
    ]);
  });
});

describe('geminiExecutor: errors', () => {
  it('RESOURCE_EXHAUSTED with RetryInfo is a rate limit with retryAfterMs', async () => {
    fake.script(
      geminiError(
        429,
        'RESOURCE_EXHAUSTED',
        'You exceeded your current quota, please check your plan and billing details.',
        [
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [
              {
                quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
                quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
              },
            ],
          },
          {
            '@type': 'type.googleapis.com/google.rpc.Help',
            links: [{ description: 'Learn more', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '30s' },
        ],
      ),
    );
    const err = await rejection(executor.execute(gemini()));
    expect(err.kind).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(30_000);
    expect(err.upstream).toMatchObject({ provider: 'gemini', dialect: 'gemini', status: 429 });
  });

  it('an invalid API key (400 + API_KEY_INVALID) is unauthorized, and the key is not exposed', async () => {
    fake.script(
      geminiError(400, 'INVALID_ARGUMENT', `API key not valid. Please pass a valid API key. (${API_KEY})`, [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
      ]),
    );
    const err = await rejection(executor.execute(gemini()));
    expect(err.kind).toBe('unauthorized');
    expect(exposedText(err)).not.toContain(API_KEY);
  });

  it.each([
    [400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', 'invalid_request'],
    [403, 'PERMISSION_DENIED', 'The caller does not have permission', 'forbidden'],
    [404, 'NOT_FOUND', 'models/nope is not found for API version v1beta', 'not_found'],
    [500, 'INTERNAL', 'An internal error has occurred.', 'upstream_error'],
    [503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.', 'overloaded'],
    [504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.', 'timeout'],
  ] as const)('%i %s → %s', async (code, status, message, kind) => {
    fake.script(geminiError(code, status, message));
    expect((await rejection(executor.execute(gemini()))).kind).toBe(kind);
  });

  it('reads an error wrapped in an array, as stream endpoints send it', async () => {
    fake.script({
      status: 429,
      body: [
        {
          error: {
            code: 429,
            status: 'RESOURCE_EXHAUSTED',
            message: 'slow',
            details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' }],
          },
        },
      ],
    });
    expect((await rejection(executor.execute(gemini({ stream: true })))).retryAfterMs).toBe(1_500);
  });
});
