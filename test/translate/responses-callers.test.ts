/**
 * Responses bodies as the Codex CLI and the AI SDK's `.responses()` send them, translated to the other
 * upstream dialects: developer messages without `instructions`, namespaced tools, `item_reference`,
 * `previous_response_id`, encrypted reasoning.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/core/errors.js';
import {
  createStreamConverter,
  requestToolNames,
  translateRequest,
  translateResponse,
} from '../../src/translate/index.js';
import type { JsonObject } from '../../src/translate/json.js';
import type { Dialect } from './helpers.js';

const codex = (): JsonObject =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/openai-responses/codex.request.json'), 'utf8'));

const PROVIDER: Record<Dialect, string> = {
  'openai-chat': 'openai',
  'openai-responses': 'codex',
  'anthropic-messages': 'anthropic',
  gemini: 'gemini',
};

function to(target: Dialect, body: JsonObject, options: JsonObject = {}) {
  return translateRequest({
    from: 'openai-responses',
    to: target,
    body,
    options: { targetProvider: PROVIDER[target], ...options },
  });
}

describe('Codex CLI requests', () => {
  it('developer messages without instructions become the system prompt elsewhere', () => {
    const anthropic = to('anthropic-messages', codex()).value;
    expect(anthropic.system).toBe("You are Codex, a coding agent. Follow the repository's AGENTS.md.");
    const chat = to('openai-chat', codex()).value;
    // `system`: what every Chat-compatible service accepts.
    expect((chat.messages as JsonObject[])[0]).toEqual({
      role: 'system',
      content: "You are Codex, a coding agent. Follow the repository's AGENTS.md.",
    });
    const gemini = to('gemini', codex()).value;
    expect(gemini.systemInstruction).toEqual({
      parts: [{ text: "You are Codex, a coding agent. Follow the repository's AGENTS.md." }],
    });
  });

  it('namespaced tools are flattened into functions, and their calls in the history with them', () => {
    for (const target of ['anthropic-messages', 'openai-chat', 'gemini'] as const) {
      const { value, warnings } = to(target, codex());
      const text = JSON.stringify(value);
      expect(text).toContain('mcp__github__create_issue');
      expect(text).not.toContain('"namespace"');
      expect(warnings.map((w) => w.code)).not.toContain('unsupported-tool');
    }
    const anthropic = to('anthropic-messages', codex()).value;
    expect((anthropic.tools as JsonObject[]).map((t) => t.name)).toEqual(['shell', 'mcp__github__create_issue']);
    const chat = to('openai-chat', codex()).value;
    expect(chat.parallel_tool_calls).toBe(false);
    expect(((chat.tools as JsonObject[])[0]!.function as JsonObject).strict).toBe(false);
  });

  it('an answer calling a flattened tool comes back to the caller with its namespace (body and stream)', () => {
    const toolNames = requestToolNames('openai-responses', codex());
    const message = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'mcp__github__create_issue', input: { title: 'x' } }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 5 },
    };
    const { value } = translateResponse({
      from: 'anthropic-messages',
      to: 'openai-responses',
      body: message,
      toolNames,
    });
    const call = (value.output as JsonObject[]).find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ name: 'create_issue', namespace: 'mcp__github__', call_id: 'toolu_1' });

    const sse = [
      ['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null } }],
      [
        'content_block_start',
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: 'toolu_1', name: 'mcp__github__create_issue', input: {} },
        },
      ],
      [
        'content_block_delta',
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"title":"x"}' } },
      ],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      [
        'message_delta',
        { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 5 } },
      ],
      ['message_stop', { type: 'message_stop' }],
    ]
      .map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
      .join('');
    const converter = createStreamConverter({ from: 'anthropic-messages', to: 'openai-responses', toolNames });
    const out =
      new TextDecoder().decode(converter.transform(new TextEncoder().encode(sse)) ?? new Uint8Array()) +
      new TextDecoder().decode(converter.flush() ?? new Uint8Array());
    const done = out
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as JsonObject)
      .find((event) => event.type === 'response.output_item.done');
    expect(done?.item).toMatchObject({ type: 'function_call', name: 'create_issue', namespace: 'mcp__github__' });
  });

  it('a Responses target gets the namespace tool and namespaced calls back as declared', () => {
    // A tagged foreign signature makes even Responses → Responses take the canonical path.
    const body = codex();
    (body.input as JsonObject[]).push({
      type: 'reasoning',
      summary: [],
      encrypted_content: 'sy1:anthropic:EqQB',
    });
    const { value } = to('openai-responses', body);
    expect(value.tools).toEqual(codex().tools);
    const call = (value.input as JsonObject[]).find(
      (item) => item.call_id === 'call_gh_1' && item.type === 'function_call',
    );
    expect(call).toMatchObject({ name: 'create_issue', namespace: 'mcp__github__' });
    expect(value.client_metadata).toEqual({ originator: 'codex_cli_rs' });
    expect(value.store).toBe(false);
    expect(value.include).toEqual(['reasoning.encrypted_content']);
    expect(value.reasoning).toEqual({ effort: 'medium', summary: 'auto' });
  });

  it('OpenAI encrypted reasoning is replayed only to an OpenAI-family upstream', () => {
    for (const target of ['anthropic-messages', 'gemini', 'openai-chat'] as const) {
      const { value, warnings } = to(target, codex());
      expect(JSON.stringify(value)).not.toContain('gAAAAABo-encrypted-openai-reasoning');
      expect(warnings.map((w) => w.code)).toContain('foreign-thinking-dropped');
    }
    const body = codex();
    (body.input as JsonObject[]).push({ type: 'reasoning', summary: [], encrypted_content: 'sy1:gemini:sig' });
    const openai = to('openai-responses', body).value;
    expect(JSON.stringify(openai)).toContain('gAAAAABo-encrypted-openai-reasoning');
    expect(JSON.stringify(openai)).not.toContain('sy1:gemini:sig');
  });
});

describe('item_reference and previous_response_id', () => {
  const history: JsonObject = {
    model: 'm',
    input: [
      { role: 'user', content: 'Hi' },
      {
        type: 'message',
        role: 'assistant',
        id: 'msg_a',
        content: [{ type: 'output_text', text: 'Hello!', annotations: [] }],
      },
      { role: 'user', content: 'Again?' },
      { type: 'item_reference', id: 'msg_a' },
      { role: 'user', content: 'Thanks' },
    ],
  };

  it('resolves a reference from the request’s own history', () => {
    const { value } = to('anthropic-messages', history);
    expect((value.messages as JsonObject[]).map((m) => [m.role, m.content])).toEqual([
      ['user', 'Hi'],
      ['assistant', 'Hello!'],
      ['user', 'Again?'],
      ['assistant', 'Hello!'],
      ['user', 'Thanks'],
    ]);
  });

  it('asks resolveItem for a reference the request does not hold', () => {
    const body = {
      model: 'm',
      input: [
        { type: 'item_reference', id: 'msg_b' },
        { role: 'user', content: 'More' },
      ],
    };
    const seen: string[] = [];
    const resolveItem = (id: string) => {
      seen.push(id);
      return { type: 'message', role: 'assistant', id, content: [{ type: 'output_text', text: 'Earlier answer' }] };
    };
    const { value } = to('openai-chat', body, { resolveItem });
    expect(seen).toEqual(['msg_b']);
    expect((value.messages as JsonObject[])[0]).toEqual({ role: 'assistant', content: 'Earlier answer' });
  });

  it('refuses a reference nobody can resolve with invalid_request naming it, never dropping it', () => {
    const body = {
      model: 'm',
      input: [
        { type: 'item_reference', id: 'msg_gone' },
        { role: 'user', content: 'x' },
      ],
    };
    for (const target of ['anthropic-messages', 'openai-chat', 'gemini'] as const) {
      expect(() => to(target, body)).toThrow(InvalidRequestError);
      expect(() => to(target, body)).toThrow(/input\[0\]'.*msg_gone/);
    }
  });

  it('another Responses API (a codex credential) gets what is unknown here as sent, and what is known resolved', () => {
    const body = {
      model: 'm',
      previous_response_id: 'resp_upstream',
      input: [
        { type: 'item_reference', id: 'msg_upstream' },
        { type: 'item_reference', id: 'msg_known' },
      ],
    };
    const known = {
      type: 'message',
      id: 'msg_known',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'hi' }],
    };
    const { value } = translateRequest({
      from: 'openai-responses',
      to: 'openai-responses',
      body,
      options: { targetProvider: 'codex', resolveItem: (id) => (id === 'msg_known' ? known : undefined) },
    });
    expect(value.previous_response_id).toBe('resp_upstream');
    expect(value.input).toEqual([{ type: 'item_reference', id: 'msg_upstream' }, known]);
  });

  it('first-party OpenAI resolves references itself: the body goes as sent', () => {
    const body = { model: 'm', previous_response_id: 'resp_1', input: [{ type: 'item_reference', id: 'msg_x' }] };
    const { value } = translateRequest({
      from: 'openai-responses',
      to: 'openai-responses',
      body,
      options: { targetProvider: 'openai' },
    });
    expect(value).toBe(body);
  });

  it('previous_response_id: resolved through resolveResponse for other upstreams, else refused', () => {
    const body = { model: 'm', previous_response_id: 'resp_1', input: [{ role: 'user', content: 'And now?' }] };
    const resolveResponse = (id: string) =>
      id === 'resp_1'
        ? [
            { role: 'user', content: 'First question' },
            { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'First answer' }] },
          ]
        : undefined;
    const { value, warnings } = to('anthropic-messages', body, { resolveResponse });
    expect((value.messages as JsonObject[]).map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(warnings.map((w) => w.code)).not.toContain('server-side-state');
    const codexBody = to('openai-responses', body, { resolveResponse }).value;
    expect(codexBody.previous_response_id).toBeUndefined();
    expect((codexBody.input as JsonObject[]).length).toBe(3);
    expect(() => to('gemini', body)).toThrow(/previous_response_id.*resp_1/);
  });
});
