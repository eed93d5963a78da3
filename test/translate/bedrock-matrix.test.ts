/**
 * Every recorded fixture of every caller dialect through Bedrock Converse (the upstream-only dialect):
 * requests become valid Converse bodies that read back to the same conversation; answers and streams
 * in the Converse grammar decode back to the same text, reasoning, tool calls and finish.
 */
import { describe, expect, it } from 'vitest';
import type { FinishReason } from '../../src/translate/canonical.js';
import { codecFor, translateRequest, translateResponse } from '../../src/translate/index.js';
import {
  convertStream,
  decodeStream,
  fixtures,
  jsonObject,
  sseEvents,
  summarizeResponse,
  systemText,
  turns,
} from './helpers.js';

const converse = codecFor('bedrock-converse');

/** The finish reason a canonical reason becomes through Converse's `stopReason` and back. */
function throughConverse(reason: FinishReason): FinishReason {
  switch (reason) {
    case 'length':
    case 'tool_calls':
    case 'stop_sequence':
    case 'content_filter':
      return reason;
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

const BLOCK_KEYS = new Set(['text', 'image', 'document', 'toolUse', 'toolResult', 'reasoningContent', 'cachePoint']);

describe.each(fixtures('.stream.txt').map((f) => [`${f.dialect}/${f.name}`, f] as const))('stream %s', (_, fixture) => {
  it('→ bedrock-converse keeps the answer', () => {
    const source = decodeStream(fixture.dialect, fixture.text);
    const out = convertStream(fixture.dialect, 'bedrock-converse', fixture.text);
    for (const event of sseEvents(out)) expect(() => JSON.parse(event.data)).not.toThrow();
    const back = decodeStream('bedrock-converse', out);
    expect(back.text).toBe(source.text);
    if (source.errors.length > 0) {
      expect(back.errors.length).toBeGreaterThan(0);
      return;
    }
    expect(back.errors).toEqual([]);
    expect(back.done).toBe(true);
    expect(back.reasoning).toBe(source.reasoning);
    expect(back.calls).toEqual(source.calls);
    expect(back.finish).toBe(throughConverse(source.finish!));
    expect(back.signatures).toEqual(source.signatures);
  });
});

describe.each(fixtures('.response.json').map((f) => [`${f.dialect}/${f.name}`, f] as const))(
  'response %s',
  (_, fixture) => {
    it('→ bedrock-converse keeps the answer', () => {
      const body = jsonObject(fixture.text);
      const source = summarizeResponse(codecFor(fixture.dialect).responseToCanonical(body).value);
      const { value } = translateResponse({ from: fixture.dialect, to: 'bedrock-converse', body });
      const back = summarizeResponse(converse.responseToCanonical(jsonObject(JSON.stringify(value))).value);
      expect(back.text).toBe(source.text);
      expect(back.reasoning).toBe(source.reasoning);
      expect(back.calls).toEqual(source.calls);
      expect(back.finish).toBe(throughConverse(source.finish!));
      expect(back.signatures).toEqual(source.signatures);
      expect(back.usage?.inputTokens ?? 0).toBe(source.usage?.inputTokens ?? 0);
      expect(back.usage?.outputTokens ?? 0).toBe(source.usage?.outputTokens ?? 0);
    });
  },
);

describe.each(fixtures('.request.json').map((f) => [`${f.dialect}/${f.name}`, f] as const))(
  'request %s',
  (_, fixture) => {
    it('→ bedrock-converse is a valid Converse body with the same conversation', () => {
      const body = jsonObject(fixture.text);
      const source = codecFor(fixture.dialect).requestToCanonical(body).value;
      const { value } = translateRequest({
        from: fixture.dialect,
        to: 'bedrock-converse',
        body,
        options: { targetProvider: 'bedrock' },
      });
      const wire = jsonObject(JSON.stringify(value));
      // Converse's shape: alternating user / assistant turns of one-key content blocks, no model.
      expect(wire.model).toBeUndefined();
      const messages = wire.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
      messages.forEach((m, i) => {
        expect(['user', 'assistant']).toContain(m.role);
        if (i > 0) expect(m.role).not.toBe(messages[i - 1]!.role);
        for (const block of m.content) {
          expect(Object.keys(block)).toHaveLength(1);
          expect(BLOCK_KEYS.has(Object.keys(block)[0]!)).toBe(true);
        }
      });
      const back = converse.requestToCanonical(wire).value;
      expect(turns(back)).toEqual(turns(source));
      expect(systemText(back).startsWith(systemText(source))).toBe(true);
      expect(back.tools?.map((t) => t.name)).toEqual(source.tools?.map((t) => t.name));
      expect(back.stopSequences).toEqual(source.stopSequences?.length ? source.stopSequences : undefined);
      if (source.toolChoice && source.toolChoice.type !== 'none') expect(back.toolChoice).toEqual(source.toolChoice);
    });
  },
);
