/**
 * The `openai-chat` dialect: OpenAI Chat Completions (`POST /v1/chat/completions`) and the many services
 * that speak it, to and from the canonical form.
 * @module switchyard/translate/openai-chat
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
 * The codec of the `openai-chat` dialect.
 *
 * @example
 * ```ts
 * const { value } = openaiChatCodec.requestToCanonical({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] });
 * const body = anthropicMessagesCodec.requestFromCanonical(value, { targetProvider: 'anthropic' }).value;
 * ```
 */
export const openaiChatCodec: DialectCodec = {
  dialect: 'openai-chat',
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
