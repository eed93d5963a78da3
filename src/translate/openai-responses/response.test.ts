import { describe, expect, it } from 'vitest';
import functionCall from '../../../test/fixtures/openai-responses/function-call.response.json' with { type: 'json' };
import { responseFromCanonical, responseToCanonical } from './response.js';
import { readUsage } from './usage.js';

describe('openai-responses response conversion', () => {
  it("reads OpenAI's documented function-call response", () => {
    const { value } = responseToCanonical(functionCall);
    expect(value).toMatchObject({
      id: 'resp_67ca09c5efe0819096d0511c92b8c890096610f474011cc0',
      model: 'gpt-4o-2024-08-06',
      created: 1741294021,
      finishReason: 'tool_calls',
      content: [
        {
          type: 'tool-call',
          id: 'call_unLAR8MvFNptuiZK6K6HCy5k',
          name: 'get_current_weather',
          arguments: '{"location":"Boston, MA","unit":"celsius"}',
          providerMetadata: { 'openai-responses': { itemId: 'fc_67ca09c6bedc8190a7abfec07b1a1332096610f474011cc0' } },
        },
      ],
      usage: { inputTokens: 291, outputTokens: 23, cacheReadTokens: 0, reasoningTokens: 0 },
    });
    expect(readUsage(functionCall)).toEqual(value.usage);
  });

  it('round-trips responses: canonical and back keeps everything', () => {
    const withEverything = {
      ...functionCall,
      output: [
        {
          id: 'rs_1',
          type: 'reasoning',
          summary: [
            { type: 'summary_text', text: 'A' },
            { type: 'summary_text', text: 'B' },
          ],
          encrypted_content: 'gAAA',
        },
        {
          id: 'msg_1',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [
            {
              type: 'output_text',
              annotations: [{ type: 'url_citation', url: 'https://x', start_index: 0, end_index: 1, title: 'x' }],
              text: 'Hi',
            },
            { type: 'output_text', annotations: [], text: ' there' },
          ],
        },
        { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'q' } },
        ...functionCall.output,
      ],
    };
    for (const body of [functionCall, withEverything]) {
      const canonical = responseToCanonical(body).value;
      expect(responseFromCanonical(canonical).value).toEqual(body);
    }
  });

  it('maps incomplete, refusal and failed statuses', () => {
    const base = { id: 'resp_1', model: 'm', created_at: 1 };
    expect(
      responseToCanonical({ ...base, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }).value
        .finishReason,
    ).toBe('length');
    expect(
      responseToCanonical({ ...base, status: 'incomplete', incomplete_details: { reason: 'content_filter' } }).value
        .finishReason,
    ).toBe('content_filter');
    expect(responseToCanonical({ ...base, status: 'failed' }).value.finishReason).toBe('error');
    const refusal = responseToCanonical({
      ...base,
      status: 'completed',
      output: [
        {
          id: 'msg',
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'refusal', refusal: 'No.' }],
        },
      ],
    }).value;
    expect(refusal.finishReason).toBe('refusal');
    expect(refusal.content).toEqual([
      { type: 'text', text: 'No.', providerMetadata: { 'openai-responses': { messageId: 'msg', refusal: true } } },
    ]);
  });

  it('writes a canonical response from another dialect as a complete response object', () => {
    const { value } = responseFromCanonical({
      id: 'msg_01',
      model: 'claude-sonnet-4-5',
      created: 5,
      content: [
        { type: 'reasoning', text: 'Hmm', signature: 'sig', origin: 'anthropic' },
        { type: 'text', text: 'Answer' },
        { type: 'tool-call', id: 'toolu_1', name: 'f', arguments: '{}' },
      ],
      finishReason: 'length',
      usage: { inputTokens: 10, outputTokens: 4, cacheReadTokens: 2 },
    });
    expect(value).toMatchObject({
      id: 'msg_01',
      object: 'response',
      created_at: 5,
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Hmm' }], encrypted_content: 'sy1:anthropic:sig' },
        {
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'Answer', annotations: [] }],
        },
        { type: 'function_call', call_id: 'toolu_1', name: 'f', arguments: '{}', status: 'completed' },
      ],
      usage: {
        input_tokens: 10,
        input_tokens_details: { cached_tokens: 2 },
        output_tokens: 4,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 14,
      },
    });
    // The tagged signature is recognised as Anthropic's when the client sends the item back.
    expect(responseToCanonical(value).value.content[0]).toMatchObject({ signature: 'sig', origin: 'anthropic' });
  });
});
