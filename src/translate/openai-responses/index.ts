/**
 * The `openai-responses` dialect: OpenAI Responses (`POST /v1/responses`) requests, response objects,
 * typed SSE events and errors, to and from the canonical form.
 * @module switchyard/translate/openai-responses
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
 * The codec of OpenAI Responses.
 *
 * @example
 * ```ts
 * const { value } = openaiResponsesCodec.requestToCanonical({ model: 'gpt-5', input: 'Hi' });
 * const body = anthropicMessagesCodec.requestFromCanonical(value, { targetProvider: 'anthropic' }).value;
 * ```
 */
export const openaiResponsesCodec: DialectCodec = {
  dialect: 'openai-responses',
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
