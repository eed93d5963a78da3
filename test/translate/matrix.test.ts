/**
 * Every recorded fixture of every dialect through every target dialect: what each pair must keep.
 * Streams are decoded back with the target's own decoder (so the output is well-formed in its grammar),
 * responses and requests with the target's own parser.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../src/translate/canonical.js';
import { codecFor, translateRequest, translateResponse } from '../../src/translate/index.js';
import {
  comparableUsage,
  convertStream,
  DIALECTS,
  type Dialect,
  decodeStream,
  FAMILY,
  finishThrough,
  fixtures,
  jsonObject,
  PROVIDER,
  sseEvents,
  streamUsage,
  summarizeResponse,
  systemText,
  turns,
  wireBodyUsage,
  wireUsage,
} from './helpers.js';

const TAG = /^sy1:(anthropic|openai|gemini):/;

/** Whether a target dialect has a place for thinking signatures at all (Chat has none). */
function carriesSignatures(target: Dialect): boolean {
  return target !== 'openai-chat';
}

/** The raw signature strings a target stream carries, read off its wire fields. */
function wireSignatures(target: Dialect, text: string): string[] {
  const out: string[] = [];
  const visit = (value: unknown, key: string | undefined): void => {
    if (typeof value === 'string') {
      if (key === 'signature' || key === 'thoughtSignature' || key === 'encrypted_content') {
        if (value !== '') out.push(value);
      }
      return;
    }
    if (Array.isArray(value)) for (const item of value) visit(item, undefined);
    else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) visit(v, k);
    }
  };
  for (const event of sseEvents(text)) {
    if (event.data === '[DONE]') continue;
    const data: unknown = JSON.parse(event.data);
    // The Responses terminal event repeats every finished item; read each signature once.
    if (target === 'openai-responses' && typeof data === 'object' && data !== null) {
      const type = (data as { type?: unknown }).type;
      if (type !== 'response.output_item.done') continue;
    }
    visit(data, undefined);
  }
  return [...new Set(out)];
}

describe.each(fixtures('.stream.txt').map((f) => [`${f.dialect}/${f.name}`, f] as const))('stream %s', (_, fixture) => {
  const source = decodeStream(fixture.dialect, fixture.text);
  const sourceUsage = streamUsage(fixture.dialect, fixture.text);

  it('decodes in its own dialect (the fixture is sound)', () => {
    expect(source.parts.length).toBeGreaterThan(0);
    if (source.errors.length === 0) expect(source.done).toBe(true);
  });

  it.each(DIALECTS.filter((d) => d !== fixture.dialect))('→ %s keeps what the target can say', (target) => {
    const out = convertStream(fixture.dialect, target, fixture.text);
    // Well-formed: every data line parses, and the target's own decoder reaches its terminal event.
    for (const event of sseEvents(out)) {
      if (event.data !== '[DONE]') expect(() => JSON.parse(event.data)).not.toThrow();
    }
    const back = decodeStream(target, out);

    if (source.errors.length > 0) {
      // A failed upstream is a failure in the target too, never an answer that looks complete.
      expect(back.errors.length).toBeGreaterThan(0);
      expect(back.finish === undefined || back.finish === 'error').toBe(true);
      expect(back.text).toBe(source.text);
      return;
    }
    expect(back.errors).toEqual([]);
    expect(back.done).toBe(true);
    expect(back.text).toBe(source.text);
    expect(back.reasoning).toBe(source.reasoning);
    expect(back.calls).toEqual(source.calls);
    expect(back.finish).toBe(finishThrough(target, source.finish!, source.calls.length > 0));

    // Usage, in the target's own fields (a source without usage gives none, or zeros where the grammar
    // requires the fields).
    const wire = wireUsage(target, sseEvents(out));
    if (sourceUsage) expect(wire).toEqual(comparableUsage(sourceUsage));
    else if (wire) expect(Object.values(wire).every((n) => n === 0)).toBe(true);

    // Signatures: carried (tagged with their origin unless native to the target) or, in Chat, absent.
    const raw = wireSignatures(target, out);
    if (!carriesSignatures(target)) {
      expect(raw).toEqual([]);
      expect(back.signatures).toEqual([]);
    } else {
      expect(back.signatures).toEqual(source.signatures);
      for (const signature of raw) {
        const tagged = TAG.exec(signature);
        const origin = source.signatures.find((s) => signature.endsWith(s.signature))?.origin;
        expect(origin).toBeDefined();
        if (origin === FAMILY[target]) expect(tagged).toBeNull();
        else expect(tagged?.[1]).toBe(origin);
      }
      expect(raw.length).toBe(source.signatures.length);
    }
  });

  it('passes through byte for byte to its own dialect', () => {
    const out = convertStream(fixture.dialect, fixture.dialect, fixture.text);
    // A complete stream, or one that reported its own error, passes as it is.
    if (source.done || decodeStream(fixture.dialect, fixture.text).errors.length > 0) expect(out).toBe(fixture.text);
    // An upstream that stopped before its terminal event, silently, is followed by the dialect's error event.
    else {
      expect(out.startsWith(fixture.text)).toBe(true);
      expect(decodeStream(fixture.dialect, out.slice(fixture.text.length)).errors.length).toBe(1);
    }
  });
});

describe.each(fixtures('.response.json').map((f) => [`${f.dialect}/${f.name}`, f] as const))(
  'response %s',
  (_, fixture) => {
    const body = jsonObject(fixture.text);
    const source = summarizeResponse(codecFor(fixture.dialect).responseToCanonical(body).value);

    it.each(DIALECTS.filter((d) => d !== fixture.dialect))('→ %s keeps what the target can say', (target) => {
      const { value } = translateResponse({ from: fixture.dialect, to: target, body });
      // Serialisable, and read back by the target's own parser.
      const wire = jsonObject(JSON.stringify(value));
      const back = summarizeResponse(codecFor(target).responseToCanonical(wire).value);
      expect(back.text).toBe(source.text);
      expect(back.reasoning).toBe(source.reasoning);
      expect(back.calls).toEqual(source.calls);
      expect(back.finish).toBe(finishThrough(target, source.finish!, source.calls.length > 0));
      expect(wireBodyUsage(target, wire)).toEqual(comparableUsage(source.usage));
      expect(comparableUsage(codecFor(target).readUsage(wire))).toEqual(comparableUsage(source.usage));
      if (carriesSignatures(target)) {
        expect(back.signatures).toEqual(source.signatures);
      } else {
        expect(back.signatures).toEqual([]);
        expect(JSON.stringify(wire)).not.toMatch(/signature|encrypted_content/);
      }
      // Anthropic redacted thinking exists only in Anthropic.
      expect(back.redacted).toBe(target === 'anthropic-messages' ? source.redacted : 0);
    });
  },
);

/** The tool-call ids of a request, and whether every result answers one of them. */
function pairedIds(request: CanonicalRequest): { calls: string[]; unanswered: string[] } {
  const list = turns(request);
  const calls = list.flatMap((t) => (t.kind === 'call' ? [t.id] : []));
  const unanswered = list.flatMap((t) => (t.kind === 'result' && !calls.includes(t.id) ? [t.id] : []));
  return { calls, unanswered };
}

describe.each(fixtures('.request.json').map((f) => [`${f.dialect}/${f.name}`, f] as const))(
  'request %s',
  (_, fixture) => {
    const body = jsonObject(fixture.text);
    const source = codecFor(fixture.dialect).requestToCanonical(body).value;

    it.each(DIALECTS.filter((d) => d !== fixture.dialect))('→ %s keeps what the target can say', (target) => {
      const { value, warnings } = translateRequest({
        from: fixture.dialect,
        to: target,
        body,
        options: { targetProvider: PROVIDER[target] },
      });
      const back = codecFor(target).requestToCanonical(jsonObject(JSON.stringify(value))).value;

      expect(turns(back)).toEqual(turns(source));
      expect(pairedIds(back).unanswered).toEqual([]);
      // Anthropic may append an instruction emulating a JSON response format.
      expect(systemText(back).startsWith(systemText(source))).toBe(true);
      expect(back.tools?.map((t) => t.name)).toEqual(source.tools?.map((t) => t.name));
      expect(back.tools?.map((t) => t.description)).toEqual(source.tools?.map((t) => t.description));
      // Anthropic requires max_tokens: a request without one gets the default (plus the thinking budget).
      if (target === 'anthropic-messages' && source.maxOutputTokens === undefined) {
        expect(back.maxOutputTokens).toBeGreaterThan(0);
      } else expect(back.maxOutputTokens).toBe(source.maxOutputTokens);
      // Claude takes temperature or top_p, and with thinking only temperature 1: `sampling-adjusted`.
      const claude = target === 'anthropic-messages';
      const thinking = claude && back.reasoning?.enabled === true;
      const hot = thinking && source.temperature !== undefined && source.temperature !== 1;
      expect(back.temperature).toBe(hot ? undefined : source.temperature);
      if (claude && source.temperature !== undefined && source.topP !== undefined) {
        expect(back.topP).toBeUndefined();
        expect(warnings.map((w) => w.code)).toContain('sampling-adjusted');
      } else if (!thinking) expect(back.topP).toBe(source.topP);
      if (target !== 'openai-responses') expect(back.stopSequences).toEqual(source.stopSequences);
      else expect(back.stopSequences).toBeUndefined();
      if (source.toolChoice && !(target === 'gemini' && source.toolChoice.type === 'tool')) {
        expect(back.toolChoice).toEqual(source.toolChoice);
      }
      if (source.reasoning?.enabled) {
        // Anthropic needs budget_tokens >= 1024 and below max_tokens: with max_tokens <= 1024 it says so.
        const leftOff =
          target === 'anthropic-messages' &&
          (source.maxOutputTokens ?? Infinity) <= 1024 &&
          warnings.some((w) => w.code === 'unsupported-setting' && /Thinking/.test(w.message));
        expect(back.reasoning?.enabled === true || leftOff).toBe(true);
      }

      // Signed thinking is only ever replayed to the family that signed it.
      const signed = back.messages.flatMap((m) =>
        m.role === 'assistant' ? m.content.filter((p) => p.type === 'reasoning' && p.signature !== undefined) : [],
      );
      for (const part of signed) expect(part.type === 'reasoning' && part.origin).toBe(FAMILY[target]);
    });
  },
);

describe('reasoning settings across dialects', () => {
  const request = (reasoning: Record<string, unknown>, dialect: Dialect): Record<string, unknown> => {
    const messages = [{ role: 'user', content: 'Hi' }];
    switch (dialect) {
      case 'openai-chat':
        return { model: 'm', messages, ...reasoning };
      case 'openai-responses':
        return { model: 'm', input: 'Hi', ...reasoning };
      case 'anthropic-messages':
        return { model: 'm', max_tokens: 64000, messages, ...reasoning };
      case 'gemini':
        return { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: reasoning };
    }
  };

  it.each([
    [2048, 'low'],
    [8192, 'medium'],
    [24576, 'high'],
    [512, 'minimal'],
  ] as const)('an Anthropic budget of %i is effort %s in OpenAI and the same budget in Gemini', (budget, effort) => {
    const body = request({ thinking: { type: 'enabled', budget_tokens: budget } }, 'anthropic-messages');
    const chat = translateRequest({ from: 'anthropic-messages', to: 'openai-chat', body }).value;
    expect(chat.reasoning_effort).toBe(effort);
    const responses = translateRequest({ from: 'anthropic-messages', to: 'openai-responses', body }).value;
    expect(responses.reasoning).toMatchObject({ effort });
    const gemini = translateRequest({ from: 'anthropic-messages', to: 'gemini', body }).value;
    expect(gemini.generationConfig).toMatchObject({ thinkingConfig: { thinkingBudget: budget } });
  });

  it.each([
    ['low', 2048],
    ['medium', 8192],
    ['high', 24576],
  ] as const)('OpenAI effort %s is a budget of %i in Anthropic and Gemini', (effort, budget) => {
    const body = request({ reasoning_effort: effort }, 'openai-chat');
    const anthropic = translateRequest({ from: 'openai-chat', to: 'anthropic-messages', body }).value;
    expect(anthropic.thinking).toEqual({ type: 'enabled', budget_tokens: budget });
    const gemini = translateRequest({ from: 'openai-chat', to: 'gemini', body }).value;
    expect(gemini.generationConfig).toMatchObject({ thinkingConfig: { thinkingBudget: budget } });
  });

  it('turning thinking off is said in every dialect', () => {
    const body = request({ thinkingConfig: { thinkingBudget: 0 } }, 'gemini');
    expect(translateRequest({ from: 'gemini', to: 'anthropic-messages', body }).value.thinking).toEqual({
      type: 'disabled',
    });
    expect(translateRequest({ from: 'gemini', to: 'openai-chat', body }).value.reasoning_effort).toBe('none');
  });
});

describe('the signature rule over a two-turn conversation', () => {
  // Turn 1: a Gemini upstream thinks and calls a tool; the client speaks Anthropic.
  const [stream] = fixtures('thinking-function-call.stream.txt');
  const anthropicSse = convertStream('gemini', 'anthropic-messages', stream!.text);
  const answer = decodeStream('anthropic-messages', anthropicSse);
  const wireSignature = (() => {
    for (const event of sseEvents(anthropicSse)) {
      const data = JSON.parse(event.data) as { delta?: { type?: string; signature?: string } };
      if (data.delta?.type === 'signature_delta') return data.delta.signature;
    }
    return undefined;
  })();

  // Turn 2: the client replays the assistant turn as Anthropic content blocks.
  const call = answer.calls[0]!;
  const next = {
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: answer.reasoning, signature: wireSignature },
          { type: 'tool_use', id: call.id, name: call.name, input: call.args },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18C' }] },
    ],
  };

  it('the Anthropic client receives the Gemini signature tagged sy1:gemini:', () => {
    expect(wireSignature).toMatch(/^sy1:gemini:/);
    expect(answer.signatures).toEqual([{ signature: 'CiIBVKhc7oDhXy5lj0Z6tFgSvqpp2ZR2mvGNMZXT', origin: 'gemini' }]);
  });

  it('goes back raw to a Gemini upstream, on the function call it signed', () => {
    const { value } = translateRequest({
      from: 'anthropic-messages',
      to: 'gemini',
      body: next,
      options: { targetProvider: 'gemini' },
    });
    const text = JSON.stringify(value);
    expect(text).toContain('"thoughtSignature":"CiIBVKhc7oDhXy5lj0Z6tFgSvqpp2ZR2mvGNMZXT"');
    expect(text).not.toContain('sy1:');
  });

  it.each([
    ['anthropic-messages', 'anthropic'],
    ['openai-responses', 'openai'],
    ['openai-chat', 'openai'],
  ] as const)('is never sent to %s (%s): dropped with a warning', (to, provider) => {
    // Through the codecs: translateRequest passes same-dialect bodies through untouched (see the docs).
    const parsed = codecFor('anthropic-messages').requestToCanonical(next);
    const { value, warnings } = codecFor(to).requestFromCanonical(parsed.value, { targetProvider: provider });
    const text = JSON.stringify(value);
    expect(text).not.toContain('CiIBVKhc7oDhXy5lj0Z6tFgSvqpp2ZR2mvGNMZXT');
    expect(warnings.map((w) => w.code)).toContain('foreign-thinking-dropped');
  });

  it('an Anthropic signature comes back raw to Anthropic after a trip through Responses', () => {
    const [thinking] = fixtures('thinking.stream.txt').filter((f) => f.dialect === 'anthropic-messages');
    const responsesSse = convertStream('anthropic-messages', 'openai-responses', thinking!.text);
    const decoded = decodeStream('openai-responses', responsesSse);
    expect(decoded.signatures[0]?.origin).toBe('anthropic');
    const encrypted = wireSignatures('openai-responses', responsesSse)[0]!;
    expect(encrypted).toMatch(/^sy1:anthropic:/);
    const { value } = translateRequest({
      from: 'openai-responses',
      to: 'anthropic-messages',
      body: {
        model: 'm',
        input: [
          { role: 'user', content: 'Hi' },
          {
            type: 'reasoning',
            id: 'rs_1',
            summary: [{ type: 'summary_text', text: decoded.reasoning }],
            encrypted_content: encrypted,
          },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: decoded.text }] },
          { role: 'user', content: 'Go on' },
        ],
      },
      options: { targetProvider: 'anthropic' },
    });
    const messages = value.messages as Array<{ content: unknown }>;
    expect(JSON.stringify(messages[1]?.content)).toContain(`"signature":"${decoded.signatures[0]!.signature}"`);
    expect(JSON.stringify(value)).not.toContain('sy1:');
  });
});
