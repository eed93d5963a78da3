import { describe, expect, it } from 'vitest';
import { PASS_THROUGH_HEADERS } from '../manager/pass-through-headers.js';
import { SESSION_HEADERS } from '../manager/selectors/session-key.js';
import { FORWARDED_REQUEST_HEADERS, forwardedHeaders } from './headers.js';

describe('forwarded request headers', () => {
  it("are the Manager's pass-through and session headers, nothing else", () => {
    expect([...FORWARDED_REQUEST_HEADERS].sort()).toEqual([...PASS_THROUGH_HEADERS, ...SESSION_HEADERS].sort());
  });
  it("never carry the caller's own credentials", () => {
    const out = forwardedHeaders({
      authorization: 'Bearer sk-caller',
      'x-api-key': 'sk-caller',
      cookie: 'a=b',
      'anthropic-beta': 'b1',
      'x-session-id': 's1',
    });
    expect(out).toEqual({ 'anthropic-beta': 'b1', 'x-session-id': 's1' });
  });
});
