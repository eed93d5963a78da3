/** Longest text kept from a non-JSON error body. */
export const MAX_ERROR_TEXT = 1_000;

/** An error body reduced to what is worth keeping. */
export interface ErrorBodySummary {
  /** Parsed JSON, when the body was JSON. */
  json: unknown;
  /** Short text: the JSON's source, the page title of an HTML page, or the start of a text body. */
  text: string;
}

/**
 * Parses an error body as JSON when it is JSON; an HTML page (a proxy's or a load balancer's error
 * page) is reduced to its `<title>`, other text to its first {@link MAX_ERROR_TEXT} characters.
 *
 * @example
 * ```ts
 * summariseErrorBody('<html><title>502 Bad Gateway</title>…', 'text/html').text; // '502 Bad Gateway'
 * ```
 */
export function summariseErrorBody(raw: string, contentType: string | undefined): ErrorBodySummary {
  const trimmed = raw.trim();
  const isHtml = /html/i.test(contentType ?? '') || /^<(!doctype|html|head|body)/i.test(trimmed);
  if (isHtml) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(trimmed)?.[1];
    const text = (title ?? trimmed.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
    return { json: undefined, text: truncate(text || 'HTML error page', 200) };
  }
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { json: JSON.parse(trimmed), text: truncate(trimmed, MAX_ERROR_TEXT) };
    } catch {
      // A truncated or malformed JSON body is kept as text.
    }
  }
  return { json: undefined, text: truncate(trimmed, MAX_ERROR_TEXT) };
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
