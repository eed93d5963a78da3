import { describe, expect, it } from 'vitest';
import { HttpError } from '../error-response.js';
import { joinProxyPath } from './proxy-path.js';

describe('joinProxyPath', () => {
  const joins: Array<[string, string, string]> = [
    ['', '', '/'],
    ['', '/', '/'],
    ['/v1', '', '/v1'],
    ['/v1', '/', '/v1/'],
    ['/v1/', '/search', '/v1/search'],
    ['/api/v2', '/a/b%20c/d.json', '/api/v2/a/b%20c/d.json'],
    ['', '/files/v1.2..3', '/files/v1.2..3'],
    ['', '/a%2Fb', '/a%2Fb'],
  ];
  for (const [base, rest, out] of joins) {
    it(`joins '${rest}' under '${base}'`, () => expect(joinProxyPath(base, rest)).toBe(out));
  }

  const refused: Array<[string, RegExp]> = [
    ['/..', /\. or \.\. segment/],
    ['/a/./b', /\. or \.\. segment/],
    ['/%2e%2e', /\. or \.\. segment/],
    ['/%2525252e%2525252e', /more than 3 times/],
    ['/a%5cb', /backslash/],
    ['//host/x', /starts with \/\//],
    ['/HTTPS://host', /absolute URL/],
    ['/a b', /space/],
    ['/é', /non-ASCII/],
    ['/a#b', /#/],
    ['/a%00', /NUL/],
    ['/%E0%A4%A', /malformed/],
    ['x', /must start with \//],
  ];
  for (const [rest, why] of refused) {
    it(`refuses '${rest}'`, () => {
      let error: unknown;
      try {
        joinProxyPath('/v1', rest);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).status).toBe(400);
      expect((error as HttpError).message).toMatch(why);
    });
  }
});
