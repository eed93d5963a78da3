import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  CountTokensCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bedrockError, DEFAULT_BEDROCK, type FakeBedrock, startFakeBedrock } from '../fakes/fake-bedrock.js';

/** The official SDK is the judge of the fake: what it accepts and parses is Bedrock's wire format. */
describe('the fake Bedrock, judged by @aws-sdk/client-bedrock-runtime', () => {
  let fake: FakeBedrock;
  let client: BedrockRuntimeClient;
  const haiku = 'anthropic.claude-3-5-haiku-20241022-v1:0';

  beforeAll(async () => {
    fake = await startFakeBedrock();
    client = new BedrockRuntimeClient({
      region: DEFAULT_BEDROCK.region,
      endpoint: fake.url,
      credentials: { accessKeyId: DEFAULT_BEDROCK.accessKeyId, secretAccessKey: DEFAULT_BEDROCK.secretAccessKey },
      maxAttempts: 1,
      // The SDK speaks HTTP/2 to Bedrock by default; the fake is an HTTP/1.1 server.
      requestHandler: new NodeHttpHandler(),
    });
  });
  afterAll(async () => {
    client.destroy();
    await fake.close();
  });

  it('answers Converse with a signature the fake verifies, and a tool call the SDK parses', async () => {
    fake.reply = {
      thinking: 'Think first.',
      text: 'Calling',
      toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
    };
    const out = await client.send(
      new ConverseCommand({
        modelId: haiku,
        messages: [{ role: 'user', content: [{ text: 'Weather in Paris?' }] }],
        inferenceConfig: { maxTokens: 100 },
      }),
    );
    expect(fake.authFailures).toEqual([]);
    expect(fake.last!.path).toBe('/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse');
    expect(out.stopReason).toBe('tool_use');
    const content = out.output?.message?.content ?? [];
    expect(content[0]?.reasoningContent?.reasoningText).toEqual({ text: 'Think first.', signature: 'EqQBbedrockSig' });
    expect(content[1]?.text).toBe('Calling');
    expect(content[2]?.toolUse).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });
    expect(out.usage?.inputTokens).toBeGreaterThan(0);
  });

  it('streams ConverseStream events the SDK decodes, frames split across chunks', async () => {
    fake.reply = { text: 'Hello there friend', toolCalls: [{ name: 'f', arguments: { a: 1 } }] };
    fake.options.cacheReadTokens = 64;
    const out = await client.send(
      new ConverseStreamCommand({ modelId: haiku, messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }),
    );
    let text = '';
    let input = '';
    let stop: string | undefined;
    let cacheRead: number | undefined;
    const kinds: string[] = [];
    for await (const event of out.stream!) {
      kinds.push(Object.keys(event)[0]!);
      text += event.contentBlockDelta?.delta?.text ?? '';
      input += event.contentBlockDelta?.delta?.toolUse?.input ?? '';
      stop ??= event.messageStop?.stopReason;
      cacheRead ??= event.metadata?.usage?.cacheReadInputTokens;
    }
    fake.options.cacheReadTokens = undefined;
    expect(text).toBe('Hello there friend');
    expect(JSON.parse(input)).toEqual({ a: 1 });
    expect(stop).toBe('tool_use');
    expect(cacheRead).toBe(64);
    expect(kinds[0]).toBe('messageStart');
    expect(kinds).toContain('contentBlockStart');
    expect(kinds.at(-1)).toBe('metadata');
  });

  it('raises an in-stream exception frame as the SDK exception', async () => {
    fake.reply = { text: 'a b c' };
    fake.options.streamException = { type: 'throttlingException', message: 'Too many tokens, please wait.' };
    const out = await client.send(
      new ConverseStreamCommand({ modelId: haiku, messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }),
    );
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of out.stream!) seen.push(Object.keys(event)[0]!);
      })(),
    ).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Too many tokens, please wait.' });
    fake.options.streamException = undefined;
    expect(seen).toContain('contentBlockDelta');
  });

  it('answers InvokeModel with an Anthropic message for the Messages body', async () => {
    fake.reply = { text: 'Bonjour' };
    const out = await client.send(
      new InvokeModelCommand({
        modelId: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
        contentType: 'application/json',
        accept: 'application/json',
        body: JSON.stringify({
          anthropic_version: 'bedrock-2023-05-31',
          max_tokens: 100,
          messages: [{ role: 'user', content: 'Salut' }],
        }),
      }),
    );
    const message = JSON.parse(new TextDecoder().decode(out.body));
    expect(message).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Bonjour' }] });
    expect(fake.authFailures).toEqual([]);
  });

  it('streams InvokeModelWithResponseStream chunks of Anthropic events', async () => {
    fake.reply = { thinking: 'Hmm.', text: 'Yes indeed' };
    const out = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
        contentType: 'application/json',
        body: JSON.stringify({
          anthropic_version: 'bedrock-2023-05-31',
          max_tokens: 100,
          messages: [{ role: 'user', content: 'Hi' }],
        }),
      }),
    );
    const types: string[] = [];
    let text = '';
    let signature = '';
    for await (const event of out.body!) {
      const data = JSON.parse(new TextDecoder().decode(event.chunk!.bytes));
      types.push(data.type);
      if (data.delta?.type === 'text_delta') text += data.delta.text;
      if (data.delta?.type === 'signature_delta') signature = data.delta.signature;
    }
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(text).toBe('Yes indeed');
    expect(signature).toBe('EqQBbedrockSig');
  });

  it('counts tokens for a Converse input and for an InvokeModel body', async () => {
    const messages = [{ role: 'user' as const, content: [{ text: 'How many tokens is this?' }] }];
    const converse = await client.send(new CountTokensCommand({ modelId: haiku, input: { converse: { messages } } }));
    expect(fake.last!.path).toBe('/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/count-tokens');
    expect(converse.inputTokens).toBeGreaterThan(0);
    const body = new TextEncoder().encode(
      JSON.stringify({
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 1,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    );
    const invoke = await client.send(new CountTokensCommand({ modelId: haiku, input: { invokeModel: { body } } }));
    expect(invoke.inputTokens).toBeGreaterThan(0);
  });

  it('answers errors the SDK raises by their exception name', async () => {
    fake.script(bedrockError(429, 'ThrottlingException', 'Too many requests, please wait before trying again.'));
    await expect(
      client.send(new ConverseCommand({ modelId: haiku, messages: [{ role: 'user', content: [{ text: 'Hi' }] }] })),
    ).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    await expect(
      client.send(
        new ConverseCommand({ modelId: 'nope.model-v1:0', messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('refuses a wrong secret as the SDK reports a bad signature', async () => {
    const wrong = new BedrockRuntimeClient({
      region: DEFAULT_BEDROCK.region,
      endpoint: fake.url,
      credentials: { accessKeyId: DEFAULT_BEDROCK.accessKeyId, secretAccessKey: 'wrong' },
      maxAttempts: 1,
      // The SDK speaks HTTP/2 to Bedrock by default; the fake is an HTTP/1.1 server.
      requestHandler: new NodeHttpHandler(),
    });
    await expect(
      wrong.send(new ConverseCommand({ modelId: haiku, messages: [{ role: 'user', content: [{ text: 'Hi' }] }] })),
    ).rejects.toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } });
    wrong.destroy();
    expect(fake.authFailures.at(-1)).toBe('signature mismatch');
  });
});
