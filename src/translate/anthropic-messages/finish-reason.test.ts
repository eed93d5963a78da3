import { describe, expect, it } from 'vitest';
import { finishReasonFromCanonical, finishReasonToCanonical } from './finish-reason.js';

describe('anthropic-messages responses', () => {
  it('maps every stop reason both ways', () => {
    const pairs = [
      ['end_turn', 'stop'],
      ['max_tokens', 'length'],
      ['stop_sequence', 'stop_sequence'],
      ['tool_use', 'tool_calls'],
      ['pause_turn', 'pause'],
      ['refusal', 'refusal'],
    ] as const;
    for (const [anthropic, canonical] of pairs) {
      expect(finishReasonToCanonical(anthropic)).toBe(canonical);
      expect(finishReasonFromCanonical(canonical)).toBe(anthropic);
    }
    expect(finishReasonToCanonical('model_context_window_exceeded')).toBe('length');
    expect(finishReasonToCanonical(null)).toBe('other');
    expect(finishReasonFromCanonical('content_filter')).toBe('refusal');
  });
});
