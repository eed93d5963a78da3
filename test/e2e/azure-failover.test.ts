import Anthropic from '@anthropic-ai/sdk';
import { ApiError } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  azureError,
  COMPLETION_FILTER_TRIGGER,
  type FakeAzure,
  PROMPT_FILTER_TRIGGER,
  startFakeAzure,
} from '../fakes/fake-azure.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai.js';
import type { FakeReply, FakeResponse, FakeServer } from '../fakes/fake-server.js';
import { CALLERS, Clients, EXPECTED_FINISH, WEATHER_TOOL } from './clients.js';
import { type Gateway, startGateway, stopAllGateways } from './gateway.js';

/**
 * An Azure OpenAI deployment and an OpenAI key serving the same alias, Azure preferred (a higher
 * priority): what Azure's own failures do to a request from each caller dialect through `switchyard serve`.
 */

const KEY = 'sk-e2e-azure-failover';
const ALIAS = 'team-gpt';
const AZURE_KEY = 'azure-failover-key-0000';
const OPENAI_KEY = 'sk-failover-openai-0000';
const TOOL_REPLY: FakeReply = {
  text: 'Checking.',
  toolCalls: [{ name: WEATHER_TOOL.name, arguments: { city: 'Oslo' } }],
};

let azure: FakeAzure;
let openai: FakeOpenAI;

beforeAll(async () => {
  [azure, openai] = await Promise.all([startFakeAzure({ apiKey: AZURE_KEY }, TOOL_REPLY), startFakeOpenAI()]);
  openai.reply = TOOL_REPLY;
});
afterEach(async () => {
  await stopAllGateways();
});
afterAll(async () => {
  await Promise.all([azure?.close(), openai?.close()]);
});

/** A gateway of its own per test: a cooldown one test causes must not decide another. */
async function gateway(): Promise<{ gateway: Gateway; clients: Clients }> {
  const started = await startGateway({
    'api-keys': [KEY],
    'azure-openai': [
      {
        id: 'azure-eu',
        endpoint: azure.endpoint,
        'api-version': '2024-10-21',
        'api-key': AZURE_KEY,
        priority: 1,
        models: [{ deployment: 'prod-gpt4o', alias: ALIAS }],
      },
    ],
    'codex-api-key': [
      {
        id: 'openai-main',
        'api-key': OPENAI_KEY,
        'base-url': openai.baseUrl,
        models: [{ name: 'gpt-4o', alias: ALIAS }],
      },
    ],
  });
  return { gateway: started, clients: new Clients(started.url, KEY) };
}

const posts = (fake: FakeServer) => fake.requests.filter((r) => r.method === 'POST').length;

/** Azure's 429: its error body has no `type`, the wait comes in `retry-after-ms` and `retry-after`. */
const RATE_LIMITED: FakeResponse = {
  ...azureError(
    429,
    '429',
    'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 86400 seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.',
  ),
  headers: { 'retry-after-ms': '86400000', 'retry-after': '86400' },
};
/** Azure's 500 when the model is overloaded: OpenAI's error shape with `type: server_error`, no code. */
const SERVER_ERROR: FakeResponse = {
  status: 500,
  body: {
    error: {
      message:
        'That model is currently overloaded with other requests. You can retry your request, or contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 if the error persists.',
      type: 'server_error',
      param: null,
      code: null,
    },
  },
};

describe('failover from Azure OpenAI to OpenAI for the same alias', () => {
  for (const [name, failure] of [
    ['429 with retry-after-ms', RATE_LIMITED],
    ['500', SERVER_ERROR],
  ] as const) {
    for (const [i, caller] of CALLERS.entries()) {
      const stream = i % 2 === 1;
      it(`${caller}${stream ? ' (stream)' : ''}: Azure answers ${name}, OpenAI serves the tool call, Azure is skipped next`, async () => {
        const { clients } = await gateway();
        const [azureBefore, openaiBefore] = [posts(azure), posts(openai)];
        azure.script(failure);

        const out = await clients.call(caller, { model: ALIAS, prompt: `weather? ${name}`, stream, withTools: true });

        expect(posts(azure)).toBe(azureBefore + 1);
        expect(posts(openai)).toBe(openaiBefore + 1);
        expect(openai.last!.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
        expect((openai.last!.body as { model?: string }).model).toBe('gpt-4o');
        expect(out.tools).toEqual(TOOL_REPLY.toolCalls);
        expect(out.finish).toBe(EXPECTED_FINISH[caller].tools);

        // The Azure credential cools down: the next request goes to OpenAI without trying it.
        await clients.call(caller, { model: ALIAS, prompt: 'again', stream, withTools: false });
        expect(posts(azure)).toBe(azureBefore + 1);
        expect(posts(openai)).toBe(openaiBefore + 2);
      });
    }
  }
});

describe('a prompt Azure’s content filter blocks is the caller’s fault', () => {
  it('reaches every caller as a 400 in its own dialect, is not retried on OpenAI, and cools nothing', async () => {
    const { clients, gateway: started } = await gateway();
    for (const [i, caller] of CALLERS.entries()) {
      const stream = i % 2 === 0;
      const [azureBefore, openaiBefore] = [posts(azure), posts(openai)];
      const err = await clients
        .call(caller, { model: ALIAS, prompt: `tell me ${PROMPT_FILTER_TRIGGER}`, stream, withTools: true })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      const expectedClass =
        caller === 'anthropic-messages'
          ? Anthropic.BadRequestError
          : caller === 'gemini'
            ? ApiError
            : OpenAI.BadRequestError;
      expect(err, caller).toBeInstanceOf(expectedClass);
      expect((err as { status?: number }).status, caller).toBe(400);
      const message = (err as Error).message;
      // Azure's own words, which tell the user what to do, in the caller's error shape.
      expect(message, caller).toContain(
        "triggering Azure OpenAI's content management policy. Please modify your prompt",
      );
      if (caller === 'openai-chat' || caller === 'openai-responses') {
        expect((err as InstanceType<typeof OpenAI.APIError>).code, caller).toBe('content_filter');
      }
      expect(message).not.toContain(AZURE_KEY);
      expect(posts(azure), caller).toBe(azureBefore + 1);
      expect(posts(openai), caller).toBe(openaiBefore);

      // No cooldown: the next, harmless request is Azure's again.
      const out = await clients.call(caller, { model: ALIAS, prompt: 'harmless', stream, withTools: true });
      expect(out.tools, caller).toEqual(TOOL_REPLY.toolCalls);
      expect(posts(azure), caller).toBe(azureBefore + 2);
      expect(posts(openai), caller).toBe(openaiBefore);
    }
    expect(started.stderr() + started.stdout()).not.toContain(AZURE_KEY);
  });
});

describe('an answer Azure’s content filter cuts (finish_reason: content_filter)', () => {
  /** What each dialect says for a filtered answer. */
  const FILTERED: Record<(typeof CALLERS)[number], string> = {
    'openai-chat': 'content_filter',
    'openai-responses': 'incomplete',
    'anthropic-messages': 'refusal',
    gemini: 'SAFETY',
  };

  it('reaches every caller as its own filtered finish, streaming and not, without failing over', async () => {
    const { clients } = await gateway();
    for (const caller of CALLERS) {
      // The test client reads a Responses stream up to response.completed, which a cut answer never sends.
      for (const stream of caller === 'openai-responses' ? [false] : [false, true]) {
        const [azureBefore, openaiBefore] = [posts(azure), posts(openai)];
        const prompt = `story ${COMPLETION_FILTER_TRIGGER}`;
        const out = await clients.call(caller, { model: ALIAS, prompt, stream, withTools: false });
        expect(out.finish, `${caller}${stream ? ' stream' : ''}`).toBe(FILTERED[caller]);
        expect(posts(azure)).toBe(azureBefore + 1);
        expect(posts(openai)).toBe(openaiBefore);
      }
    }
  });
});
