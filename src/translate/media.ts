import type { MediaSource } from './canonical.js';

/** `data:<type>[;param...];base64,` — the header of an inline base64 payload. */
const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*);base64,/;

/** A base64 `data:` URL split into media type and payload; undefined for any other URL. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = DATA_URL.exec(url);
  if (!match) return undefined;
  return { mediaType: match[1] || 'application/octet-stream', data: url.slice(match[0].length) };
}

/** A URL (http(s), `gs://`, or a `data:` URL) as a canonical media source; base64 data URLs are unpacked. */
export function urlToSource(url: string): MediaSource {
  const inline = parseDataUrl(url);
  return inline ? { type: 'base64', mediaType: inline.mediaType, data: inline.data } : { type: 'url', url };
}

/** A canonical media source as a URL: the URL itself, or inline bytes as a `data:` URL. */
export function sourceToUrl(source: MediaSource): string {
  return source.type === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
}
