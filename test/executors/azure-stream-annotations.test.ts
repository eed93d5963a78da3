import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azureOpenAICredential } from '../../src/executors/azure/azure-credential.js';
import { azureOpenAIExecutor } from '../../src/executors/azure/azure-openai-executor.js';
import { dropAzureAnnotations } from '../../src/executors/azure/drop-azure-annotations.js';
import { type FakeAzure, startFakeAzure } from '../fakes/fake-azure.js';
import { readText, request } from './helpers.js';

const encoder = new TextEncoder();

async function* chunks(text: string, size: number): AsyncIterable<Uint8Array> {
  const bytes = encoder.encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

/** The `data:` payloads of an SSE text. */
function frames(text: string): string[] {
  return text
    .split(/\n\n/)
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
}

const PROMPT_FRAME = JSON.stringify({
  choices: [],
  created: 0,
  id: '',
  model: '',
  object: '',
  prompt_filter_results: [{ prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: 'safe' } } }],
});
const CONTENT = (text: string) =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o',
    choices: [{ index: 0, delta: { content: text }, finish_reason: null, content_filter_results: {} }],
  });
const ANNOTATION = JSON.stringify({
  choices: [
    {
      index: 0,
      finish_reason: null,
      content_filter_results: { hate: { filtered: false, severity: 'safe' } },
      content_filter_offsets: { check_offset: 0, start_offset: 0, end_offset: 5 },
    },
  ],
  created: 0,
  id: '',
  model: '',
  object: '',
});
const USAGE = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o',
  choices: [],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
});

describe('Azure chat stream annotations for OpenAI Chat callers', () => {
  const sse = [PROMPT_FRAME, CONTENT('Héllo'), ANNOTATION, CONTENT(' wörld'), USAGE, '[DONE]']
    .map((data) => `data: ${data}\n\n`)
    .join('');

  it('drops the prompt-filter frame and annotation-only choices, keeps content, usage and [DONE], at any split', async () => {
    for (const size of [1, 2, 3, 7, 64, sse.length]) {
      const out = await readText(dropAzureAnnotations(chunks(sse, size)));
      expect(frames(out), `split every ${size} bytes`).toEqual([CONTENT('Héllo'), CONTENT(' wörld'), USAGE, '[DONE]']);
    }
  });

  it('keeps frames with CRLF line ends and comments as they are when they carry no annotation', async () => {
    const text = `: keep-alive\r\n\r\ndata: ${CONTENT('a')}\r\n\r\ndata: ${ANNOTATION}\r\n\r\ndata: [DONE]\r\n\r\n`;
    const out = await readText(dropAzureAnnotations(chunks(text, 5)));
    expect(out).toBe(`: keep-alive\r\n\r\ndata: ${CONTENT('a')}\r\n\r\ndata: [DONE]\r\n\r\n`);
  });

  describe('through the executor, against the fake resource with asynchronous filtering', () => {
    let fake: FakeAzure;
    const executor = azureOpenAIExecutor({ headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000 });
    beforeAll(async () => {
      fake = await startFakeAzure({ asyncFilter: true }, { text: 'Hello from fake Azure' });
    });
    afterAll(async () => {
      await fake.close();
      await executor.close();
    });

    it('gives every chat chunk with choices a delta, as OpenAI does', async () => {
      const credential = azureOpenAICredential({
        id: 'az',
        endpoint: fake.endpoint,
        apiVersion: '2024-10-21',
        auth: { apiKey: fake.options.apiKey },
      });
      const body = {
        model: 'prod-gpt4o',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'hi' }],
      };
      const raw = await (
        await fetch(`${fake.endpoint}/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21`, {
          method: 'POST',
          headers: { 'api-key': fake.options.apiKey, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).text();
      // The fake does send what Azure sends: a prompt-filter frame and annotation-only choices.
      expect(frames(raw).some((f) => f.includes('content_filter_offsets'))).toBe(true);
      expect(frames(raw)[0]).toContain('prompt_filter_results');

      const out = await readText((await executor.execute(request(credential, 'openai-chat', body))).body);
      const parsed = frames(out)
        .filter((f) => f !== '[DONE]')
        .map((f) => JSON.parse(f) as { choices: Array<{ delta?: { content?: string } }>; usage?: unknown });
      for (const chunk of parsed) {
        if (chunk.choices.length === 0) expect(chunk.usage).toBeDefined();
        for (const choice of chunk.choices) expect(choice.delta).toBeDefined();
      }
      expect(parsed.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Hello from fake Azure');
      expect(frames(out).at(-1)).toBe('[DONE]');
    });
  });
});
