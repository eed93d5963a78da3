import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createStreamConverter } from './stream-converter.js';

const fixture = (path: string) => readFileSync(new URL(`../../test/fixtures/${path}`, import.meta.url), 'utf8');
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function cutBeforeEnd(text: string, marker: string): string {
  return text.slice(0, text.indexOf(marker));
}

describe('createStreamConverter, same dialect, truncated upstream', () => {
  it('ends a cut Responses stream with its failure events, without a second response.created', () => {
    const cut = cutBeforeEnd(fixture('openai-responses/text.stream.txt'), 'event: response.completed');
    const conv = createStreamConverter({ from: 'openai-responses', to: 'openai-responses' });
    const out = decoder.decode(conv.transform(encoder.encode(cut))!) + decoder.decode(conv.flush()!);
    expect(out.startsWith(cut)).toBe(true);
    const tail = out.slice(cut.length);
    expect(tail).not.toContain('response.created');
    expect(tail).toContain('event: response.failed');
    expect(out.match(/event: response\.created/g)).toHaveLength(1);
  });

  it('ends a cut Anthropic stream with an error event and nothing that opens a new message', () => {
    const cut = cutBeforeEnd(fixture('anthropic-messages/basic.stream.txt'), 'event: message_delta');
    const conv = createStreamConverter({ from: 'anthropic-messages', to: 'anthropic-messages' });
    const out = decoder.decode(conv.transform(encoder.encode(cut))!) + decoder.decode(conv.flush()!);
    const tail = out.slice(cut.length);
    expect(tail).toContain('event: error');
    expect(tail).not.toContain('message_start');
  });
});
