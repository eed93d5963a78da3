/**
 * The `gemini` dialect: Google Gemini `generateContent` and `streamGenerateContent?alt=sse`.
 * @module switchyard/translate/gemini
 */
import type { DialectCodec } from '../codec.js';
import { geminiRequestFromCanonical, geminiRequestToCanonical } from './convert-request.js';
import { geminiResponseFromCanonical, geminiResponseToCanonical, readGeminiUsage } from './convert-response.js';
import { createGeminiStreamDecoder } from './decode-stream.js';
import { createGeminiStreamEncoder } from './encode-stream.js';
import { geminiErrorFromCanonical, geminiErrorToCanonical } from './errors.js';

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
  requestToCanonical: geminiRequestToCanonical,
  requestFromCanonical: geminiRequestFromCanonical,
  responseToCanonical: geminiResponseToCanonical,
  responseFromCanonical: geminiResponseFromCanonical,
  readUsage: readGeminiUsage,
  createStreamDecoder: createGeminiStreamDecoder,
  createStreamEncoder: () => createGeminiStreamEncoder(),
  errorToCanonical: geminiErrorToCanonical,
  errorFromCanonical: geminiErrorFromCanonical,
};
