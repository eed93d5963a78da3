// One status table for every place that classifies an upstream failure by its status alone: each
// dialect's executor parser, the generic executor rules, each codec's canonical error, the mock.
import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../src/core/errors.js';
import { kindFromStatus } from '../../src/core/kind-from-status.js';
import type { UpstreamFailure } from '../../src/core/upstream-failure.js';
import { buildUpstreamError } from '../../src/executors/base/classify-error.js';
import { mockExecutor } from '../../src/executors/mock.js';
import { parseAnthropicError } from '../../src/translate/anthropic-messages/errors.js';
import type { Dialect } from '../../src/translate/dialect.js';
import { parseGeminiError } from '../../src/translate/gemini/errors.js';
import { parseOpenAIError } from '../../src/translate/openai-chat/errors.js';
import { codecFor } from '../../src/translate/registry.js';
import { request } from './helpers.js';

const STATUSES = [400, 401, 402, 403, 404, 405, 408, 409, 413, 422, 429, 500, 501, 502, 503, 504, 529];
const PAGE = '<html><head><title>Proxy error</title></head><body>try later</body></html>';
const PARSERS = { openai: parseOpenAIError, anthropic: parseAnthropicError, gemini: parseGeminiError };
const DIALECTS: Dialect[] = ['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini'];

const failure = (status: number): UpstreamFailure => ({
  status,
  headers: {},
  json: undefined,
  text: 'Proxy error',
  now: 0,
});

describe('an upstream status with nothing more specific in its body', () => {
  it.each(STATUSES)('%i has one kind for every executor parser', (status) => {
    const expected = kindFromStatus(status);
    for (const [provider, parse] of Object.entries(PARSERS)) {
      const classification = parse(failure(status));
      expect(classification.kind, provider).toBe(expected);
      const context = { provider, dialect: 'openai-chat' as const, credentialId: 'c' };
      expect(buildUpstreamError(failure(status), classification, context).kind, provider).toBe(expected);
    }
    // A custom declaration whose parser says nothing gets the same table.
    expect(buildUpstreamError(failure(status), {}, { provider: 'x', dialect: 'gemini', credentialId: 'c' }).kind).toBe(
      expected,
    );
  });

  it.each(STATUSES)('%i has one kind in every codec (a 404 reads as not found to the caller)', (status) => {
    const expected = kindFromStatus(status);
    for (const dialect of DIALECTS) {
      const canonical = codecFor(dialect).errorToCanonical(status, PAGE);
      expect(canonical.kind, dialect).toBe(expected === 'endpoint_not_found' ? 'not_found' : expected);
    }
  });

  it.each(STATUSES.filter((s) => s !== 404))('%i has the same kind from the mock executor', async (status) => {
    const mock = mockExecutor({ behaviours: { c: { statuses: [status] } } });
    const cred = { id: 'c', provider: 'mock' };
    const err = await mock.execute(request(cred, 'openai-chat', { model: 'm', messages: [] })).catch((e) => e);
    expect(SwitchyardError.is(err) && err.kind).toBe(kindFromStatus(status));
  });
});
