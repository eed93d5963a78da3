/**
 * Properties of the translation layer, with fast-check:
 * (a) A → B → A keeps what both dialects can express;
 * (b) any split of a stream's bytes gives the same converter output;
 * (c) arbitrary JSON given to translateRequest never throws anything but an InvalidRequestError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/core/errors.js';
import type {
  AssistantContent,
  CanonicalMessage,
  CanonicalRequest,
  CanonicalTool,
} from '../../src/translate/canonical.js';
import { codecFor, translateRequest } from '../../src/translate/index.js';
import { convertStream, DIALECTS, type Dialect, fixtures, PROVIDER, systemText, turns } from './helpers.js';

const RUNS = 60;

// ---------------------------------------------------------------------------------------------------
// (a) A → B → A
// ---------------------------------------------------------------------------------------------------

const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '');
const toolName = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/);
const key = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/);
/** JSON values as JSON text would give them back (no -0, no undefined). */
const jsonArg: fc.Arbitrary<unknown> = fc
  .jsonValue({ maxDepth: 2 })
  .map((value) => JSON.parse(JSON.stringify(value)) as unknown);
const args = fc.dictionary(key, jsonArg, { maxKeys: 4 });

interface Exchange {
  user: string;
  reply: string | undefined;
  calls: Array<{ tool: number; args: Record<string, unknown>; result: string }>;
}

const exchange = (tools: number): fc.Arbitrary<Exchange> =>
  fc.record({
    user: text,
    reply: fc.option(text, { nil: undefined }),
    calls:
      tools === 0
        ? fc.constant([])
        : fc.array(fc.record({ tool: fc.nat({ max: tools - 1 }), args, result: text }), { maxLength: 3 }),
  });

const canonicalRequest: fc.Arbitrary<CanonicalRequest> = fc
  .record({
    system: fc.option(text, { nil: undefined }),
    tools: fc.uniqueArray(fc.record({ name: toolName, description: fc.option(text, { nil: undefined }) }), {
      maxLength: 3,
      selector: (t) => t.name,
    }),
    maxOutputTokens: fc.integer({ min: 1, max: 8192 }),
    temperature: fc.option(
      fc.integer({ min: 0, max: 10 }).map((n) => n / 10),
      { nil: undefined },
    ),
  })
  .chain((base) =>
    fc.array(exchange(base.tools.length), { minLength: 1, maxLength: 4 }).map((exchanges) => {
      const messages: CanonicalMessage[] = [];
      if (base.system !== undefined) messages.push({ role: 'system', content: [{ type: 'text', text: base.system }] });
      let n = 0;
      exchanges.forEach((ex, i) => {
        messages.push({ role: 'user', content: [{ type: 'text', text: ex.user }] });
        const content: AssistantContent[] = [];
        if (ex.reply !== undefined) content.push({ type: 'text', text: ex.reply });
        const ids = ex.calls.map(() => `call_${i}_${n++}`);
        ex.calls.forEach((call, j) => {
          content.push({
            type: 'tool-call',
            id: ids[j]!,
            name: base.tools[call.tool]!.name,
            arguments: JSON.stringify(call.args),
          });
        });
        if (content.length > 0) messages.push({ role: 'assistant', content });
        if (ex.calls.length > 0) {
          messages.push({
            role: 'tool',
            content: ex.calls.map((call, j) => ({
              type: 'tool-result',
              toolCallId: ids[j]!,
              name: base.tools[call.tool]!.name,
              content: call.result,
            })),
          });
        }
      });
      const tools: CanonicalTool[] = base.tools.map((t) => {
        const tool: CanonicalTool = {
          name: t.name,
          parameters: { type: 'object', properties: { q: { type: 'string' } } },
        };
        if (t.description !== undefined) tool.description = t.description;
        return tool;
      });
      const request: CanonicalRequest = { messages, maxOutputTokens: base.maxOutputTokens };
      if (tools.length > 0) request.tools = tools;
      if (base.temperature !== undefined) request.temperature = base.temperature;
      return request;
    }),
  );

const pairs = DIALECTS.flatMap((a) => DIALECTS.filter((b) => b !== a).map((b) => [a, b] as const));

describe('A → B → A keeps what both can express', () => {
  it.each(pairs)('%s → %s → back', (a, b) => {
    fc.assert(
      fc.property(canonicalRequest, (request) => {
        const bodyA = codecFor(a).requestFromCanonical(request, { targetProvider: PROVIDER[a] }).value;
        const first = codecFor(a).requestToCanonical(bodyA).value;
        const bodyB = translateRequest({ from: a, to: b, body: bodyA, options: { targetProvider: PROVIDER[b] } }).value;
        const bodyA2 = translateRequest({
          from: b,
          to: a,
          body: JSON.parse(JSON.stringify(bodyB)),
          options: { targetProvider: PROVIDER[a] },
        }).value;
        const back = codecFor(a).requestToCanonical(bodyA2).value;

        expect(turns(back)).toEqual(turns(first));
        expect(turns(first)).toEqual(turns(request));
        expect(systemText(back)).toBe(systemText(first));
        expect(back.tools?.map((t) => [t.name, t.description])).toEqual(
          first.tools?.map((t) => [t.name, t.description]),
        );
        expect(back.maxOutputTokens).toBe(first.maxOutputTokens);
        expect(back.temperature).toBe(first.temperature);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// (b) any split of a stream's bytes gives the same output
// ---------------------------------------------------------------------------------------------------

/**
 * Values an encoder makes up when the source has none: `created` / `created_at` (the clock, for sources
 * without a timestamp: Anthropic, Gemini), `chatcmpl-<uuid>` and `msg_<random>` ids (for sources without
 * an id). Everything else must be byte-identical.
 */
function normalise(sse: string): string {
  return sse
    .replace(/"created(_at)?":\d+/g, '"created$1":0')
    .replace(/chatcmpl-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'chatcmpl-ID')
    .replace(/msg_[0-9a-f]{24}/g, 'msg_ID');
}

describe('any split of the bytes gives the same output', () => {
  const streams = fixtures('.stream.txt');
  const cases = streams.flatMap((f) => DIALECTS.map((to) => [`${f.dialect}/${f.name}`, to, f] as const));

  it.each(cases)('%s → %s', (_, to, fixture) => {
    const whole = normalise(convertStream(fixture.dialect, to, fixture.text));
    const length = new TextEncoder().encode(fixture.text).byteLength;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: length - 1 }), { maxLength: 24 }), (cuts) => {
        expect(normalise(convertStream(fixture.dialect, to, fixture.text, cuts))).toBe(whole);
      }),
      { numRuns: 40 },
    );
    // One byte at a time: the hardest split (multi-byte characters cut in half included).
    const everyByte = Array.from({ length: length - 1 }, (_, i) => i + 1);
    expect(normalise(convertStream(fixture.dialect, to, fixture.text, everyByte))).toBe(whole);
  });

  it('normalising hides nothing when the source carries its own ids and times', () => {
    // An OpenAI chat source has id and created: its translations are byte-identical run to run.
    const [source] = streams.filter((f) => f.dialect === 'openai-chat' && f.name === 'text.stream.txt');
    for (const to of DIALECTS) {
      const a = convertStream('openai-chat', to, source!.text);
      const b = convertStream('openai-chat', to, source!.text, [17, 301]);
      expect(a).toBe(b);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// (c) arbitrary JSON never throws anything but InvalidRequestError
// ---------------------------------------------------------------------------------------------------

/** Field names and values the four dialects use, so random bodies reach deep into the converters. */
const WORDS = [
  'model',
  'messages',
  'role',
  'content',
  'type',
  'text',
  'tool_calls',
  'id',
  'function',
  'name',
  'arguments',
  'tools',
  'parameters',
  'input_schema',
  'tool_choice',
  'system',
  'input',
  'instructions',
  'contents',
  'parts',
  'functionCall',
  'functionResponse',
  'function_call',
  'function_call_output',
  'call_id',
  'output',
  'args',
  'response',
  'thinking',
  'signature',
  'thought',
  'thoughtSignature',
  'budget_tokens',
  'reasoning',
  'reasoning_effort',
  'effort',
  'summary',
  'encrypted_content',
  'generationConfig',
  'thinkingConfig',
  'thinkingBudget',
  'responseMimeType',
  'responseSchema',
  'max_tokens',
  'stop',
  'stop_sequences',
  'tool_use_id',
  'tool_call_id',
  'tool_use',
  'tool_result',
  'image_url',
  'image',
  'url',
  'source',
  'data',
  'media_type',
  'inlineData',
  'fileData',
  'mimeType',
  'user',
  'assistant',
  'tool',
  'developer',
  'auto',
  'any',
  'required',
  'none',
  'enabled',
  'disabled',
  'json_schema',
  'json_object',
  'response_format',
  'text_delta',
  'input_text',
  'output_text',
  'file',
  'file_data',
  'file_id',
  'document',
  'base64',
  'redacted_thinking',
  'toolConfig',
  'functionCallingConfig',
  'mode',
  'ANY',
  'AUTO',
  'NONE',
  'metadata',
  'user_id',
  'stream',
  'stream_options',
  'include_usage',
  '__proto__',
  'constructor',
];

const word = fc.constantFrom(...WORDS);
const jsonish: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(word, fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(word, fc.string()), tie('value'), { maxKeys: 5 }),
  ),
})).value;

const body: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 6 }),
  fc.dictionary(word, jsonish, { maxKeys: 8 }),
);

describe('arbitrary JSON never throws anything but InvalidRequestError', () => {
  it.each(pairs)('%s → %s', (from: Dialect, to: Dialect) => {
    fc.assert(
      fc.property(body, (input) => {
        // The body goes through JSON text, as it would from a socket (`__proto__` stays an own key).
        const parsed = JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
        try {
          const { value } = translateRequest({ from, to, body: parsed, options: { targetProvider: PROVIDER[to] } });
          expect(() => JSON.stringify(value)).not.toThrow();
        } catch (error) {
          if (!(error instanceof InvalidRequestError)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });
});
