/**
 * The `gemini` dialect: Google Gemini `generateContent` and `streamGenerateContent?alt=sse`.
 * @module switchyard/translate/gemini
 */
import type { DialectCodec } from '../codec.js';
import { createStreamDecoder } from './decode-stream.js';
import { createStreamEncoder } from './encode-stream.js';
import { geminiErrorFromCanonical, geminiErrorToCanonical } from './errors.js';
import { requestFromCanonical } from './request-from-canonical.js';
import { requestToCanonical } from './request-to-canonical.js';
import { responseFromCanonical, responseToCanonical } from './response.js';
import { readUsage } from './usage.js';

export { restoreFunctionName, sanitizeFunctionName } from './function-names.js';

/**
 * The Gemini codec. The request body carries no model (it is in the URL): `requestToCanonical` leaves
 * `model` undefined and `requestFromCanonical` never writes one.
 *
 * @example
 * ```ts
 * const { value } = geminiCodec.requestToCanonical({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
 * value.messages; // [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]
 * ```
 */
export const geminiCodec: DialectCodec = {
  dialect: 'gemini',
  requestToCanonical,
  requestFromCanonical,
  responseToCanonical,
  responseFromCanonical,
  readUsage,
  createStreamDecoder,
  createStreamEncoder,
  errorToCanonical: geminiErrorToCanonical,
  errorFromCanonical: geminiErrorFromCanonical,
};
