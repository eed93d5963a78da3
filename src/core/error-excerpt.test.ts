import { describe, expect, it } from 'vitest';
import { clipErrorText, ERROR_EXCERPT_CHARS, excerptErrorBody } from './error-excerpt.js';

describe('excerptErrorBody', () => {
  it("keeps an HTML page's title, whitespace collapsed", () => {
    expect(excerptErrorBody('<!DOCTYPE html><html><title> 503  Service\nUnavailable</title><body>x</body>')).toBe(
      '503 Service Unavailable',
    );
  });
  it('falls back to the text without tags when the title is missing or empty', () => {
    expect(excerptErrorBody('<html><body><h1>Bad</h1>  <p>Gateway</p></body></html>')).toBe('Bad Gateway');
    expect(excerptErrorBody('<html><title> </title><body>Bad Gateway</body></html>')).toBe('Bad Gateway');
  });
  it('cuts long text at one limit, marking the cut', () => {
    const out = excerptErrorBody('y'.repeat(5_000));
    expect(out).toHaveLength(ERROR_EXCERPT_CHARS + 1);
    expect(out.endsWith('…')).toBe(true);
    expect(clipErrorText('short')).toBe('short');
  });
  it('is empty when nothing readable is left', () => {
    expect(excerptErrorBody('  <br/>  ')).toBe('');
  });
});
