/**
 * The `openai` package's `AzureOpenAI` class (and the plain `OpenAI` client on the v1 API, as Microsoft
 * documents it) pointed at the fake Azure resource: the SDK judges the fake before any executor test
 * relies on it.
 */
import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENTRA_SCOPE, type FakeAzure, PROMPT_FILTER_TRIGGER, startFakeAzure } from '../fakes/fake-azure.js';

let fake: FakeAzure;
const messages = [{ role: 'user' as const, content: 'hi' }];
const weather = { name: 'get_weather', arguments: { city: 'Lyon' } };

beforeAll(async () => {
  fake = await startFakeAzure();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.reply = { text: 'Hello from fake Azure' };
});

function azure(apiVersion = '2024-10-21', key = fake.options.apiKey): AzureOpenAI {
  return new AzureOpenAI({ endpoint: fake.endpoint, apiKey: key, apiVersion, maxRetries: 0 });
}

async function entraToken(): Promise<string> {
  const { clientId, clientSecret } = fake.options.entra;
  const response = await fetch(fake.tokenUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope: ENTRA_SCOPE,
    }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { token_type: string; expires_in: number; access_token: string };
  expect(body.token_type).toBe('Bearer');
  expect(body.expires_in).toBe(3599);
  return body.access_token;
}

describe('AzureOpenAI judges the fake Azure resource', () => {
  it('answers a deployment-scoped chat completion with its content filter annotations', async () => {
    const { data, response } = await azure().chat.completions.create({ model: 'prod-gpt4o', messages }).withResponse();
    expect(data.choices[0]!.message.content).toBe('Hello from fake Azure');
    expect(data.model).toBe('gpt-4o-2024-08-06');
    const raw = data as unknown as Record<string, unknown> & { choices: Array<Record<string, unknown>> };
    expect(raw.prompt_filter_results).toEqual([
      expect.objectContaining({ prompt_index: 0, content_filter_results: expect.any(Object) }),
    ]);
    expect(raw.choices[0]!.content_filter_results).toMatchObject({ violence: { filtered: false, severity: 'safe' } });
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('99');
    const sent = fake.last!;
    expect(sent.path).toBe('/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21');
    expect(sent.headers['api-key']).toBe(fake.options.apiKey);
    expect(sent.headers.authorization).toBeUndefined();
  });

  it('streams a tool call the SDK reassembles, after a first frame with empty choices', async () => {
    fake.reply = { text: 'Let me check.', toolCalls: [weather] };
    const stream = await azure().chat.completions.create({
      model: 'prod-gpt4o',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices).toEqual([]);
    expect((chunks[0] as unknown as { prompt_filter_results: unknown }).prompt_filter_results).toBeDefined();
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Let me check.');
    const args = chunks.map((c) => c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual(weather.arguments);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
    expect(chunks.at(-1)!.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('serves the Responses API on the non-deployment route with the deployment in model', async () => {
    const client = azure('2025-04-01-preview');
    const response = await client.responses.create({ model: 'prod-gpt4o', input: 'hi' });
    expect(response.output_text).toBe('Hello from fake Azure');
    expect(fake.last!.path).toBe('/openai/responses?api-version=2025-04-01-preview');
    const events: string[] = [];
    for await (const event of await client.responses.create({ model: 'prod-gpt4o', input: 'hi', stream: true })) {
      events.push(event.type);
    }
    expect(events.at(-1)).toBe('response.completed');
  });

  it('serves the v1 API to the plain OpenAI client, chat and responses', async () => {
    const client = new OpenAI({ baseURL: `${fake.endpoint}/openai/v1`, apiKey: fake.options.apiKey, maxRetries: 0 });
    const chat = await client.chat.completions.create({ model: 'prod-gpt4o', messages });
    expect(chat.choices[0]!.message.content).toBe('Hello from fake Azure');
    expect(fake.last!.path).toBe('/openai/v1/chat/completions');
    const response = await client.responses.create({ model: 'prod-gpt4o', input: 'hi' });
    expect(response.output_text).toBe('Hello from fake Azure');
    expect(fake.last!.path).toBe('/openai/v1/responses');
  });

  it('accepts an Entra ID token from its token endpoint through azureADTokenProvider', async () => {
    const token = await entraToken();
    const client = new AzureOpenAI({
      endpoint: fake.endpoint,
      apiVersion: '2024-10-21',
      azureADTokenProvider: async () => token,
      maxRetries: 0,
    });
    const chat = await client.chat.completions.create({ model: 'prod-gpt4o', messages });
    expect(chat.choices[0]!.message.content).toBe('Hello from fake Azure');
    expect(fake.last!.headers.authorization).toBe(`Bearer ${token}`);
    expect(fake.last!.headers['api-key']).toBeUndefined();
  });

  it('refuses bad keys, unknown deployments and filtered prompts the way Azure does', async () => {
    const bad = await azure('2024-10-21', 'wrong-key')
      .chat.completions.create({ model: 'prod-gpt4o', messages })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.AuthenticationError);

    const missing = await azure()
      .chat.completions.create({ model: 'no-such-deployment', messages })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.APIError>).code).toBe('DeploymentNotFound');

    const filtered = await azure()
      .chat.completions.create({ model: 'prod-gpt4o', messages: [{ role: 'user', content: PROMPT_FILTER_TRIGGER }] })
      .catch((e: unknown) => e);
    expect(filtered).toBeInstanceOf(OpenAI.BadRequestError);
    const error = filtered as InstanceType<typeof OpenAI.APIError>;
    expect(error.code).toBe('content_filter');
    expect(error.param).toBe('prompt');
    expect(error.type).toBeNull();

    const unknownVersion = await azure('1999-01-01')
      .chat.completions.create({ model: 'prod-gpt4o', messages })
      .catch((e: unknown) => e);
    expect(unknownVersion).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('refuses a wrong client secret at the token endpoint with invalid_client', async () => {
    const response = await fetch(fake.tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: fake.options.entra.clientId,
        client_secret: 'wrong',
        scope: ENTRA_SCOPE,
      }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: string; error_codes: number[] };
    expect(body.error).toBe('invalid_client');
    expect(body.error_codes).toEqual([7000215]);
  });
});
