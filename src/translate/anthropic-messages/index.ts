/**
 * The `anthropic-messages` dialect: Anthropic Messages (`POST /v1/messages`) requests, responses, SSE
 * streams and errors, to and from the canonical form.
 * @module switchyard/translate/anthropic-messages
 */
import type { DialectCodec } from '../codec.js';
import { createStreamDecoder } from './decode-stream.js';
import { createStreamEncoder } from './encode-stream.js';
import { errorFromCanonical, errorToCanonical } from './errors.js';
import { requestFromCanonical } from './request-from-canonical.js';
import { requestToCanonical } from './request-to-canonical.js';
import { responseFromCanonical, responseToCanonical } from './response.js';
import { readUsage } from './usage.js';

/**
 * The Anthropic Messages codec.
 *
 * @example
 * ```ts
 * const { value } = anthropicMessagesCodec.requestToCanonical({ model: 'claude-sonnet-4-5', max_tokens: 1024,
 *   messages: [{ role: 'user', content: 'Hello' }] });
 * const body = anthropicMessagesCodec.requestFromCanonical(value, { targetProvider: 'anthropic' }).value;
 * ```
 */
export const anthropicMessagesCodec: DialectCodec = {
  dialect: 'anthropic-messages',
  requestToCanonical,
  requestFromCanonical,
  responseToCanonical,
  responseFromCanonical,
  readUsage,
  createStreamDecoder,
  createStreamEncoder,
  errorToCanonical,
  errorFromCanonical,
};

export { DEFAULT_MAX_TOKENS } from './request-from-canonical.js';
