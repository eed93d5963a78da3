import { isRecord } from '../../translate/json.js';

/** An event ends at a blank line, whatever the line ends (SSE allows LF, CRLF and CR). */
const EVENT_END = /\r\n\r\n|\n\n|\r\r/;
/** Only events naming a filter result can be annotations; the rest pass without being parsed. */
const MAY_ANNOTATE = /"(?:prompt_filter_results|content_filter_results|content_filter_offsets)"/;

/**
 * Azure OpenAI's Chat Completions stream as OpenAI sends it: Azure adds events OpenAI never sends and
 * OpenAI's clients do not expect, which this removes:
 * - a first event with empty `choices` carrying `prompt_filter_results` (and empty `id` and `model`);
 * - with asynchronous filtering, events whose choices have no `delta`, only `content_filter_results`
 *   and `content_filter_offsets` (code reading `choices[0].delta.content` throws on them).
 *
 * Every other event passes byte for byte, the `content_filter_results` on content choices included
 * (extra fields OpenAI's clients ignore); an event whose choices are partly annotations keeps the rest.
 * Events may arrive split at any byte.
 *
 * @see https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-streaming
 * @see https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-filter
 * @example
 * ```ts
 * for await (const bytes of dropAzureAnnotations(upstreamBody)) res.write(bytes);
 * ```
 */
export async function* dropAzureAnnotations(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffered = '';
  for await (const chunk of source) {
    buffered += decoder.decode(chunk, { stream: true });
    let out = '';
    for (let end = EVENT_END.exec(buffered); end; end = EVENT_END.exec(buffered)) {
      const stop = end.index + end[0].length;
      out += kept(buffered.slice(0, end.index), buffered.slice(end.index, stop));
      buffered = buffered.slice(stop);
    }
    if (out !== '') yield encoder.encode(out);
  }
  buffered += decoder.decode();
  // What is left has no blank line after it: the stream ended mid-event; pass it on as it came.
  if (buffered !== '') yield encoder.encode(buffered);
}

/** The event as it should reach the caller: unchanged, rewritten without annotations, or '' (dropped). */
function kept(event: string, end: string): string {
  if (!MAY_ANNOTATE.test(event)) return event + end;
  const lines = event.split(/\r\n|\n|\r/);
  const dataLines = lines.filter((line) => line.startsWith('data:'));
  if (dataLines.length !== 1) return event + end;
  let chunk: unknown;
  try {
    chunk = JSON.parse(dataLines[0]!.slice(5));
  } catch {
    return event + end;
  }
  if (!isRecord(chunk) || !Array.isArray(chunk.choices)) return event + end;
  const choices = chunk.choices as unknown[];
  const content = choices.filter((choice) => !isRecord(choice) || choice.delta !== undefined);
  if (choices.length === 0) return chunk.usage === undefined && chunk.error === undefined ? '' : event + end;
  if (content.length === choices.length) return event + end;
  if (content.length === 0 && chunk.usage === undefined) return '';
  const eol = end.slice(0, end.length / 2);
  const rewritten = lines.map((line) =>
    line.startsWith('data:') ? `data: ${JSON.stringify({ ...chunk, choices: content })}` : line,
  );
  return rewritten.join(eol) + end;
}
