/**
 * The `bedrock-converse` dialect: AWS Bedrock Converse (`POST /model/{modelId}/converse`) requests,
 * answers, ConverseStream events and errors, to and from the canonical form. Stream events are read
 * in the SSE form the Bedrock executor turns the binary event stream into (one event per event-stream
 * message, named by its `:event-type`).
 * @module switchyard/translate/bedrock-converse
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
 * The Bedrock Converse codec.
 *
 * @example
 * ```ts
 * const { value } = openaiChatCodec.requestToCanonical({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
 * const converse = bedrockConverseCodec.requestFromCanonical(value, { targetProvider: 'bedrock' }).value;
 * // { messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }
 * ```
 */
export const bedrockConverseCodec: DialectCodec = {
  dialect: 'bedrock-converse',
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

export { readBedrockError } from './errors.js';
