import { describe, expect, it } from 'vitest';
import type { FinishReason } from '../canonical.js';
import { finishReasonFromCanonical, finishReasonToCanonical } from './finish-reason.js';

describe('openai-chat finish reasons', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool_calls'],
    ['function_call', 'tool_calls'],
    ['content_filter', 'content_filter'],
    ['something_new', 'other'],
    [null, 'other'],
  ])('reads %s as %s', (reason, expected) => {
    expect(finishReasonToCanonical(reason)).toBe(expected);
  });

  it('reads stop after tool calls as tool_calls and after a refusal as refusal', () => {
    expect(finishReasonToCanonical('stop', true)).toBe('tool_calls');
    expect(finishReasonToCanonical('stop', false, true)).toBe('refusal');
  });

  it.each<[FinishReason, string]>([
    ['stop', 'stop'],
    ['stop_sequence', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool_calls'],
    ['content_filter', 'content_filter'],
    ['refusal', 'stop'],
    ['pause', 'stop'],
    ['error', 'stop'],
    ['other', 'stop'],
  ])('writes %s as %s', (reason, expected) => {
    expect(finishReasonFromCanonical(reason)).toBe(expected);
  });
});
