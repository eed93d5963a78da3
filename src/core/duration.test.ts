import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    // OpenAI x-ratelimit-reset-* (Go durations)
    ['1s', 1_000],
    ['6m0s', 360_000],
    ['20ms', 20],
    ['1h2m3.5s', 3_723_500],
    ['0.5s', 500],
    // Google RetryInfo.retryDelay
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['0.000001s', 0],
    // config
    ['500ms', 500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    [' 30s ', 30_000],
  ])('%j → %i', (value, ms) => expect(parseDuration(value)).toBe(ms));

  it.each([
    [''],
    ['   '],
    ['soon'],
    ['forever'],
    ['5 s'],
    ['5 minutes'],
    ['30'],
    ['-1s'],
    ['+1s'],
    ['1x'],
    ['s'],
    ['1.s'],
    ['.5s'],
    ['1e3s'],
    ['1s x'],
    ['1s1'],
    [30],
    [null],
    [undefined],
    [{}],
  ])('%j is not a duration', (value) => expect(parseDuration(value)).toBeUndefined());

  // Moved here with the parser from the openai-chat error tests.
  it('parses Go-style reset durations', () => {
    expect(parseDuration('6m0s')).toBe(360_000);
    expect(parseDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseDuration('20ms')).toBe(20);
    expect(parseDuration('soon')).toBeUndefined();
  });

  it('reads back what formatDuration writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });

  it('reads any sequence of parts as their sum, whatever the order and spacing around it', () => {
    const unit = fc.constantFrom(['ms', 1], ['s', 1_000], ['m', 60_000], ['h', 3_600_000]);
    const part = fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 999 }), unit);
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), fc.constantFrom('', ' ', '\t'), (parts, pad) => {
        const numbers = parts.map(([whole, milli]) => `${whole}.${String(milli).padStart(3, '0')}`);
        const text = parts.map(([, , [name]], i) => `${numbers[i]}${name}`).join('');
        const expected = parts.reduce((sum, [, , [, factor]], i) => sum + Number(numbers[i]) * factor, 0);
        expect(parseDuration(`${pad}${text}${pad}`)).toBe(Math.round(expected));
      }),
    );
  });
});
