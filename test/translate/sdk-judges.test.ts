/**
 * The official SDKs as judges: every fixture stream and response of every dialect, translated to each
 * other dialect, is fed to that dialect's official client (`openai` v6, `@anthropic-ai/sdk`,
 * `@google/genai`), and what the SDK reports must be what the source said: text, thinking, tool names,
 * ids and parsed arguments, finish reason and usage.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { FinishReason } from '../../src/translate/canonical.js';
import { codecFor, translateResponse } from '../../src/translate/index.js';
import { serve } from '../fakes/fake-fixed-upstream.js';
import {
  type AnswerSummary,
  comparableUsage,
  convertStream,
  DIALECTS,
  type Dialect,
  decodeStream,
  finishThrough,
  fixtures,
  jsonObject,
  streamUsage,
  summarizeResponse,
} from './helpers.js';

/** What an SDK reports, in one shape. */
interface Judged {
  text: string;
  reasoning: string;
  calls: Array<{ id: string | undefined; name: string; args: unknown }>;
  finish: string | null | undefined;
  usage: Record<string, number> | undefined;
}

function respond(body: string, type: string): () => Promise<Response> {
  return async () => new Response(new TextEncoder().encode(body), { headers: { 'content-type': type } });
}

function openai(body: string, type: string): OpenAI {
  return new OpenAI({ apiKey: 'x', maxRetries: 0, fetch: respond(body, type) });
}

function anthropic(body: string, type: string): Anthropic {
  return new Anthropic({ apiKey: 'x', maxRetries: 0, fetch: respond(body, type) });
}

function parse(text: string | undefined): unknown {
  return text === undefined || text === '' ? {} : JSON.parse(text);
}

function fromChat(completion: OpenAI.Chat.ChatCompletion): Judged {
  const choice = completion.choices[0]!;
  const message = choice.message as OpenAI.Chat.ChatCompletionMessage & { reasoning_content?: string };
  const u = completion.usage;
  return {
    text: message.content ?? '',
    reasoning: message.reasoning_content ?? '',
    calls: (message.tool_calls ?? []).map((call) => {
      if (call.type !== 'function') throw new Error('not a function call');
      return { id: call.id, name: call.function.name, args: parse(call.function.arguments) };
    }),
    finish: choice.finish_reason,
    usage: u && {
      input: u.prompt_tokens,
      output: u.completion_tokens,
      cached: u.prompt_tokens_details?.cached_tokens ?? 0,
      reasoning: u.completion_tokens_details?.reasoning_tokens ?? 0,
    },
  };
}

function fromAnthropic(message: Anthropic.Message): Judged {
  const judged: Judged = { text: '', reasoning: '', calls: [], finish: message.stop_reason, usage: undefined };
  for (const block of message.content) {
    if (block.type === 'text') judged.text += block.text;
    else if (block.type === 'thinking') judged.reasoning += block.thinking;
    else if (block.type === 'tool_use') judged.calls.push({ id: block.id, name: block.name, args: block.input });
  }
  const u = message.usage as Anthropic.Usage & { output_tokens_details?: { thinking_tokens?: number } };
  const cached = u.cache_read_input_tokens ?? 0;
  judged.usage = {
    input: u.input_tokens + cached + (u.cache_creation_input_tokens ?? 0),
    output: u.output_tokens,
    cached,
    reasoning: u.output_tokens_details?.thinking_tokens ?? 0,
  };
  return judged;
}

function fromResponses(response: OpenAI.Responses.Response): Judged {
  const judged: Judged = { text: '', reasoning: '', calls: [], finish: response.status, usage: undefined };
  for (const item of response.output) {
    if (item.type === 'message') {
      for (const part of item.content) if (part.type === 'output_text') judged.text += part.text;
    } else if (item.type === 'reasoning') {
      judged.reasoning += item.summary.map((s) => s.text).join('\n\n');
    } else if (item.type === 'function_call') {
      judged.calls.push({ id: item.call_id, name: item.name, args: parse(item.arguments) });
    }
  }
  const u = response.usage;
  judged.usage = u && {
    input: u.input_tokens,
    output: u.output_tokens,
    cached: u.input_tokens_details.cached_tokens,
    reasoning: u.output_tokens_details.reasoning_tokens,
  };
  return judged;
}

interface GeminiChunk {
  candidates?: Array<{
    finishReason?: string;
    content?: {
      parts?: Array<{
        text?: string;
        thought?: boolean;
        functionCall?: { id?: string; name?: string; args?: unknown };
      }>;
    };
  }>;
  usageMetadata?: {
    promptTokenCount?: number;
    candidatesTokenCount?: number;
    thoughtsTokenCount?: number;
    cachedContentTokenCount?: number;
  };
}

function fromGemini(chunks: GeminiChunk[]): Judged {
  const judged: Judged = { text: '', reasoning: '', calls: [], finish: undefined, usage: undefined };
  for (const chunk of chunks) {
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.functionCall) {
        judged.calls.push({
          id: part.functionCall.id,
          name: part.functionCall.name ?? '',
          args: part.functionCall.args,
        });
      } else if (part.thought) judged.reasoning += part.text ?? '';
      else judged.text += part.text ?? '';
    }
    if (candidate?.finishReason) judged.finish = candidate.finishReason;
    const u = chunk.usageMetadata;
    if (u) {
      judged.usage = {
        input: u.promptTokenCount ?? 0,
        output: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0),
        cached: u.cachedContentTokenCount ?? 0,
        reasoning: u.thoughtsTokenCount ?? 0,
      };
    }
  }
  return judged;
}

async function withGemini<T>(body: string, type: string, run: (ai: GoogleGenAI) => Promise<T>): Promise<T> {
  const server = await serve(200, body, type);
  try {
    return await run(new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: server.url } }));
  } finally {
    await server.close();
  }
}

const REQUEST = { model: 'test-model', messages: [{ role: 'user' as const, content: 'Hi' }] };

/** A stream in `target`'s dialect, read to the end by its official SDK. */
async function judgeStream(target: Dialect, sse: string): Promise<Judged> {
  const type = 'text/event-stream';
  switch (target) {
    case 'openai-chat': {
      // The SDK's accumulator keeps only the last value of a field it does not know (`reasoning_content`),
      // so thinking is read from the chunks it parsed.
      const stream = openai(sse, type).chat.completions.stream(REQUEST);
      let reasoning = '';
      stream.on('chunk', (chunk) => {
        const delta = chunk.choices[0]?.delta as { reasoning_content?: string } | undefined;
        reasoning += delta?.reasoning_content ?? '';
      });
      const judged = fromChat(await stream.finalChatCompletion());
      judged.reasoning = reasoning;
      return judged;
    }
    case 'anthropic-messages':
      return fromAnthropic(
        await anthropic(sse, type)
          .messages.stream({ ...REQUEST, max_tokens: 1024 })
          .finalMessage(),
      );
    case 'openai-responses':
      return fromResponses(
        await openai(sse, type).responses.stream({ model: 'test-model', input: 'Hi' }).finalResponse(),
      );
    case 'gemini':
      return withGemini(sse, type, async (ai) => {
        const chunks: GeminiChunk[] = [];
        for await (const chunk of await ai.models.generateContentStream({ model: 'test-model', contents: 'Hi' })) {
          chunks.push(chunk);
        }
        return fromGemini(chunks);
      });
  }
}

/** A non-stream body in `target`'s dialect, as its official SDK returns it. */
async function judgeBody(target: Dialect, body: string): Promise<Judged> {
  const type = 'application/json';
  switch (target) {
    case 'openai-chat':
      return fromChat(await openai(body, type).chat.completions.create(REQUEST));
    case 'anthropic-messages':
      return fromAnthropic(await anthropic(body, type).messages.create({ ...REQUEST, max_tokens: 1024 }));
    case 'openai-responses':
      return fromResponses(await openai(body, type).responses.create({ model: 'test-model', input: 'Hi' }));
    case 'gemini':
      return withGemini(body, type, async (ai) => {
        const response = await ai.models.generateContent({ model: 'test-model', contents: 'Hi' });
        return fromGemini([response]);
      });
  }
}

/** The wire finish reason / status each dialect's SDK reports for a canonical reason. */
function wireFinish(target: Dialect, reason: FinishReason): string {
  const table: Record<Dialect, Partial<Record<FinishReason, string>>> = {
    'openai-chat': { stop: 'stop', tool_calls: 'tool_calls', length: 'length', content_filter: 'content_filter' },
    'anthropic-messages': {
      stop: 'end_turn',
      tool_calls: 'tool_use',
      length: 'max_tokens',
      stop_sequence: 'stop_sequence',
      refusal: 'refusal',
    },
    'openai-responses': { stop: 'completed', tool_calls: 'completed', length: 'incomplete' },
    gemini: { stop: 'STOP', tool_calls: 'STOP', length: 'MAX_TOKENS', content_filter: 'SAFETY' },
  };
  const wire = table[target][reason];
  if (wire === undefined) throw new Error(`no wire finish for ${reason} in ${target}`);
  return wire;
}

function expectJudged(target: Dialect, judged: Judged, source: AnswerSummary): void {
  expect(judged.text).toBe(source.text);
  // Every dialect has visible thinking: Chat as `reasoning_content`, Responses as a summary.
  expect(judged.reasoning).toBe(source.reasoning);
  expect(judged.calls.map((c) => ({ name: c.name, args: c.args }))).toEqual(
    source.calls.map((c) => ({ name: c.name, args: c.args })),
  );
  // Ids survive, except the ones switchyard made up for Gemini calls, which Gemini never sees.
  judged.calls.forEach((call, i) => {
    const id = source.calls[i]!.id;
    if (target === 'gemini' && id.startsWith('gemini_call_')) expect(call.id).toBeUndefined();
    else expect(call.id).toBe(id);
  });
  expect(judged.finish).toBe(wireFinish(target, finishThrough(target, source.finish!, source.calls.length > 0)));
}

const streams = fixtures('.stream.txt')
  .map((fixture) => ({ fixture, source: decodeStream(fixture.dialect, fixture.text) }))
  .filter(({ source }) => source.errors.length === 0);

describe.each(streams.map((s) => [`${s.fixture.dialect}/${s.fixture.name}`, s] as const))(
  'stream %s, judged by the SDKs',
  (_, { fixture, source }) => {
    it.each(DIALECTS.filter((d) => d !== fixture.dialect))('as %s', async (target) => {
      const sse = convertStream(fixture.dialect, target, fixture.text);
      const judged = await judgeStream(target, sse);
      expectJudged(target, judged, source);
      const usage = comparableUsage(streamUsage(fixture.dialect, fixture.text));
      if (usage) expect(judged.usage).toEqual(usage);
    });
  },
);

describe.each(fixtures('.response.json').map((f) => [`${f.dialect}/${f.name}`, f] as const))(
  'response %s, judged by the SDKs',
  (_, fixture) => {
    const body = jsonObject(fixture.text);
    const source = summarizeResponse(codecFor(fixture.dialect).responseToCanonical(body).value);
    it.each(DIALECTS.filter((d) => d !== fixture.dialect))('as %s', async (target) => {
      const { value } = translateResponse({ from: fixture.dialect, to: target, body });
      const judged = await judgeBody(target, JSON.stringify(value));
      expectJudged(target, judged, source);
      expect(judged.usage).toEqual(comparableUsage(source.usage));
    });
  },
);

describe('failures the SDKs must see as failures', () => {
  const failing = fixtures('.stream.txt').filter((f) => decodeStream(f.dialect, f.text).errors.length > 0);

  it.each(
    failing.flatMap((f) =>
      DIALECTS.filter((d) => d !== f.dialect).map((to) => [`${f.dialect}/${f.name}`, to, f] as const),
    ),
  )('%s as %s raises', async (_, target, fixture) => {
    const sse = convertStream(fixture.dialect, target, fixture.text);
    await expect(judgeStream(target, sse)).rejects.toThrow();
  });

  it('a cut-off Anthropic stream (no message_stop) raises in the openai SDK', async () => {
    const [basic] = fixtures('basic.stream.txt');
    const cut = basic!.text.slice(0, basic!.text.indexOf('event: message_delta'));
    await expect(judgeStream('openai-chat', convertStream('anthropic-messages', 'openai-chat', cut))).rejects.toThrow();
  });
});
