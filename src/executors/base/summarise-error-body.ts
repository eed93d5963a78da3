import { clipErrorText, excerptErrorBody } from '../../core/error-excerpt.js';

/** An error body reduced to what is worth keeping. */
export interface ErrorBodySummary {
  /** Parsed JSON, when the body was JSON. */
  json: unknown;
  /** Short text: the JSON's source, the page title of an HTML page, or the start of a text body. */
  text: string;
}

/**
 * Parses an error body as JSON when it is JSON; an HTML page (a proxy's or a load balancer's error
 * page) is reduced to its `<title>`, other text to its excerpt (both with `excerptErrorBody`).
 *
 * @example
 * ```ts
 * summariseErrorBody('<html><title>502 Bad Gateway</title>…', 'text/html').text; // '502 Bad Gateway'
 * ```
 */
export function summariseErrorBody(raw: string, contentType: string | undefined): ErrorBodySummary {
  const trimmed = raw.trim();
  const isHtml = /html/i.test(contentType ?? '') || /^<(!doctype|html|head|body)/i.test(trimmed);
  if (isHtml) return { json: undefined, text: excerptErrorBody(trimmed) || 'HTML error page' };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { json: JSON.parse(trimmed), text: clipErrorText(trimmed) };
    } catch {
      // A truncated or malformed JSON body is kept as text.
    }
  }
  return { json: undefined, text: excerptErrorBody(trimmed) };
}
