import type { StreamPart } from '../canonical.js';
import type { SseEvent, StreamDecoder } from '../codec.js';
import { isRecord, num, obj, parseJson, str } from '../json.js';
import { untagSignature } from '../reasoning.js';
import { errorToCanonical } from './errors.js';
import { finishReasonToCanonical } from './finish-reason.js';
import { usageToCanonical } from './usage.js';
import { STREAM_EXCEPTION_STATUS } from './wire-types.js';

/** What an open Converse content block is, by its `contentBlockIndex`. */
type Block = 'text' | 'reasoning' | 'tool';

/**
 * Decodes a ConverseStream, one instance per stream. Each event is one event-stream message turned
 * into SSE by the Bedrock executor: the `:event-type` (or, for an exception, the `:exception-type`) as
 * the event name, the JSON payload as data.
 *
 * `messageStart` → `start` (Converse streams carry no id or model); `contentBlockStart` with `toolUse` →
 * `tool-call-start` (indexes count tool calls from 0); `contentBlockDelta` text / `toolUse.input` /
 * `reasoningContent` text, signature and redacted content → their parts; `contentBlockStop` →
 * `block-end` or `tool-call-end`; `messageStop` → `finish` and `done`; `metadata` (after the stop) →
 * `usage`; an exception (`throttlingException`, `modelStreamErrorException`, ...) → `error` with the
 * status it stands for. Unknown events are ignored.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html#API_runtime_ConverseStream_ResponseSyntax
 */
export function createStreamDecoder(): StreamDecoder {
  const blocks: Block[] = [];
  const toolIndex: number[] = [];
  let tools = 0;
  let done = false;

  const startTool = (index: number, id: string, name: string): StreamPart => {
    blocks[index] = 'tool';
    const call = tools++;
    toolIndex[index] = call;
    return { type: 'tool-call-start', index: call, id, name };
  };

  return {
    get done() {
      return done;
    },
    event(event: SseEvent): StreamPart[] {
      const data = parseJson(event.data);
      if (!isRecord(data)) {
        if (event.data.trim() === '') return [];
        return [
          {
            type: 'error',
            error: { status: 502, kind: 'upstream_error', message: 'Undecodable stream event from Bedrock' },
          },
        ];
      }
      const name = event.event ?? '';
      const exceptionStatus = STREAM_EXCEPTION_STATUS[name] ?? (name.endsWith('Exception') ? 500 : undefined);
      if (exceptionStatus !== undefined) {
        return [{ type: 'error', error: errorToCanonical(exceptionStatus, data, { 'x-amzn-errortype': name }) }];
      }
      switch (name) {
        case 'messageStart':
          return [{ type: 'start', id: '', model: '' }];
        case 'contentBlockStart': {
          const index = num(data.contentBlockIndex) ?? blocks.length;
          const toolUse = obj(obj(data.start)?.toolUse);
          if (toolUse === undefined) return [];
          return [startTool(index, str(toolUse.toolUseId) ?? '', str(toolUse.name) ?? '')];
        }
        case 'contentBlockDelta': {
          const index = num(data.contentBlockIndex) ?? Math.max(0, blocks.length - 1);
          const delta = obj(data.delta);
          if (delta === undefined) return [];
          if (typeof delta.text === 'string') {
            blocks[index] ??= 'text';
            return delta.text === '' ? [] : [{ type: 'text-delta', text: delta.text }];
          }
          const toolUse = obj(delta.toolUse);
          if (toolUse !== undefined) {
            const out: StreamPart[] = [];
            if (blocks[index] !== 'tool') out.push(startTool(index, '', ''));
            const input = str(toolUse.input);
            if (input) out.push({ type: 'tool-call-delta', index: toolIndex[index]!, argumentsDelta: input });
            return out;
          }
          const reasoning = obj(delta.reasoningContent);
          if (reasoning !== undefined) {
            blocks[index] ??= 'reasoning';
            const text = str(reasoning.text);
            if (text) return [{ type: 'reasoning-delta', text, origin: 'anthropic' }];
            const signature = str(reasoning.signature);
            if (signature) {
              const read = untagSignature(signature, 'anthropic');
              return [{ type: 'reasoning-signature', signature: read.signature, origin: read.origin }];
            }
            const redacted = str(reasoning.redactedContent);
            if (redacted) return [{ type: 'reasoning-redacted', data: redacted }];
          }
          return [];
        }
        case 'contentBlockStop': {
          const index = num(data.contentBlockIndex) ?? blocks.length - 1;
          const kind = blocks[index];
          if (kind === 'tool') return [{ type: 'tool-call-end', index: toolIndex[index] ?? 0 }];
          return kind === undefined ? [] : [{ type: 'block-end' }];
        }
        case 'messageStop':
          done = true;
          return [{ type: 'finish', finishReason: finishReasonToCanonical(data.stopReason) }];
        case 'metadata': {
          const usage = usageToCanonical(data.usage);
          return usage === undefined ? [] : [{ type: 'usage', usage }];
        }
        default:
          return [];
      }
    },
  };
}
