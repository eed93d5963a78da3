import type { Usage } from '../translate/dialect.js';

/**
 * One access-log line, written at info as `logger.info(entry, 'request')` (pino's field shape) when the
 * answer is complete. It names the route template, never the raw path or query (a `?key=` would be in
 * it), and carries no header, no body and no prompt text.
 */
export interface AccessEntry {
  requestId: string;
  method: string;
  /** The route template, e.g. `/v1beta/models/{model}:generateContent`; `unmatched` for a 404. */
  route: string;
  status: number;
  /** The model the caller asked for. */
  model?: string;
  credentialId?: string;
  attempts?: number;
  /** From the request to the end of the answer (for a stream: its last byte, or the client leaving). */
  latencyMs?: number;
  /** From the request to the answer being ready (for a stream: its first chunk). */
  ttfbMs?: number;
  promptTokens?: number;
  completionTokens?: number;
  /** For streams: `completed`, `client_gone` (the client stopped reading) or `failed`. */
  outcome?: 'completed' | 'client_gone' | 'failed';
}

/** Copies the token counts of a usage record onto an entry. */
export function addUsage(entry: AccessEntry, usage: Usage | undefined): void {
  if (!usage) return;
  entry.promptTokens = usage.inputTokens;
  entry.completionTokens = usage.outputTokens;
}

/** What {@link observeStream} reports about a streamed body. */
export interface StreamEvents {
  /** The first chunk was read. */
  first(): void;
  /** The stream ended, was abandoned by the reader, or failed (reported once, whichever comes first). */
  end(outcome: 'completed' | 'client_gone' | 'failed', error?: unknown): void;
}

/**
 * Wraps a streamed body so its first chunk and its end can be timed and its failure logged, with one
 * extra promise per chunk and nothing else. The reader's `return()` (the client went away) still
 * reaches the inner iterator, so the upstream is released as before.
 */
export function observeStream(body: AsyncIterable<Uint8Array>, events: StreamEvents): AsyncIterable<Uint8Array> {
  const inner = body[Symbol.asyncIterator]();
  let started = false;
  let ended = false;
  const end = (outcome: 'completed' | 'client_gone' | 'failed', error?: unknown) => {
    if (ended) return;
    ended = true;
    events.end(outcome, error);
  };
  const onChunk = (result: IteratorResult<Uint8Array>): IteratorResult<Uint8Array> => {
    if (result.done) end('completed');
    else if (!started) {
      started = true;
      events.first();
    }
    return result;
  };
  const onFailure = (error: unknown): never => {
    end('failed', error);
    throw error;
  };
  const iterator: AsyncIterableIterator<Uint8Array> = {
    next: () => inner.next().then(onChunk, onFailure),
    return: (value?: unknown) => {
      end('client_gone');
      return inner.return
        ? inner.return(value)
        : Promise.resolve({ value: undefined, done: true } as IteratorReturnResult<undefined>);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
