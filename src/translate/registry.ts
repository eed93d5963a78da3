import { anthropicMessagesCodec } from './anthropic-messages/index.js';
import { bedrockConverseCodec } from './bedrock-converse/index.js';
import type { StreamPart } from './canonical.js';
import type { DialectCodec, ResponseContext, StreamDecoder } from './codec.js';
import type { Dialect } from './dialect.js';
import { geminiCodec } from './gemini/index.js';
import { openaiChatCodec } from './openai-chat/index.js';
import { openaiResponsesCodec } from './openai-responses/index.js';
import { restoreToolName } from './tool-names.js';

/**
 * Every codec's answers name tool calls as the caller declared them when the request's tool names are
 * given (`ResponseContext.toolNames`): Gemini's sanitised names and flattened Responses namespaces
 * are mapped back here, once for all dialects.
 */
function restoringToolNames(codec: DialectCodec): DialectCodec {
  return {
    ...codec,
    responseToCanonical(body, context) {
      const out = codec.responseToCanonical(body, context);
      const declared = context?.toolNames;
      if (declared === undefined || declared.length === 0) return out;
      for (const part of out.value.content) {
        if (part.type !== 'tool-call') continue;
        const restored = restoreToolName(part.name, declared);
        part.name = restored.name;
        if (restored.providerMetadata)
          part.providerMetadata = { ...part.providerMetadata, ...restored.providerMetadata };
      }
      return out;
    },
    createStreamDecoder(context?: ResponseContext): StreamDecoder {
      const decoder = codec.createStreamDecoder(context);
      const declared = context?.toolNames;
      if (declared === undefined || declared.length === 0) return decoder;
      return {
        event(event) {
          const parts = decoder.event(event);
          for (let i = 0; i < parts.length; i++) {
            const part = parts[i] as StreamPart;
            if (part.type !== 'tool-call-start') continue;
            const restored = restoreToolName(part.name, declared);
            const next: StreamPart = { ...part, name: restored.name };
            if (restored.providerMetadata)
              next.providerMetadata = { ...part.providerMetadata, ...restored.providerMetadata };
            parts[i] = next;
          }
          return parts;
        },
        get done() {
          return decoder.done;
        },
      };
    },
  };
}

const CODECS: Readonly<Record<Dialect, DialectCodec>> = {
  'openai-chat': restoringToolNames(openaiChatCodec),
  'openai-responses': restoringToolNames(openaiResponsesCodec),
  'anthropic-messages': restoringToolNames(anthropicMessagesCodec),
  gemini: restoringToolNames(geminiCodec),
  'bedrock-converse': restoringToolNames(bedrockConverseCodec),
};

/** The codec of a dialect: its conversions to and from the canonical form. */
export function codecFor(dialect: Dialect): DialectCodec {
  const codec = CODECS[dialect];
  if (!codec) throw new TypeError(`Unknown dialect '${String(dialect)}'`);
  return codec;
}
