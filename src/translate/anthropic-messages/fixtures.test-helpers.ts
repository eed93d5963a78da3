/** Test-only helpers: fixtures and SSE splitting. Not exported from the codec. */
import { readFileSync } from 'node:fs';
import { createParser } from 'eventsource-parser';
import type { StreamPart } from '../canonical.js';
import type { SseEvent } from '../codec.js';
import { createStreamDecoder } from './decode-stream.js';

const DIR = new URL('../../../test/fixtures/anthropic-messages/', import.meta.url);

/** A fixture file's text. */
export function fixture(name: string): string {
  return readFileSync(new URL(name, DIR), 'utf8');
}

/** A JSON fixture, parsed. */
export function jsonFixture(name: string): Record<string, unknown> {
  return JSON.parse(fixture(name)) as Record<string, unknown>;
}

/** SSE text split into events the way eventsource-parser reports them. */
export function sseEvents(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createParser({
    onEvent(event) {
      events.push(event.event === undefined ? { data: event.data } : { event: event.event, data: event.data });
    },
  });
  parser.feed(text);
  return events;
}

/** Decodes SSE text into canonical parts. */
export function decodeAll(text: string): { parts: StreamPart[]; done: boolean } {
  const decoder = createStreamDecoder();
  const parts: StreamPart[] = [];
  for (const event of sseEvents(text)) parts.push(...decoder.event(event));
  return { parts, done: decoder.done };
}
