import { anthropicMessagesCodec } from './anthropic-messages/index.js';
import type { DialectCodec } from './codec.js';
import type { Dialect } from './dialect.js';
import { geminiCodec } from './gemini/index.js';
import { openaiChatCodec } from './openai-chat/index.js';
import { openaiResponsesCodec } from './openai-responses/index.js';

const CODECS: Readonly<Record<Dialect, DialectCodec>> = {
  'openai-chat': openaiChatCodec,
  'openai-responses': openaiResponsesCodec,
  'anthropic-messages': anthropicMessagesCodec,
  gemini: geminiCodec,
};

/** The codec of a dialect: its conversions to and from the canonical form. */
export function codecFor(dialect: Dialect): DialectCodec {
  const codec = CODECS[dialect];
  if (!codec) throw new TypeError(`Unknown dialect '${String(dialect)}'`);
  return codec;
}
