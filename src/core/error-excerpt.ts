/** Longest excerpt kept of an error body that is not JSON (an HTML page from a proxy, plain text), in characters. */
export const ERROR_EXCERPT_CHARS = 500;

/**
 * Cuts text to {@link ERROR_EXCERPT_CHARS}, marking the cut with `…`.
 *
 * @example
 * ```ts
 * clipErrorText('x'.repeat(2000)).length; // 501
 * ```
 */
export function clipErrorText(text: string): string {
  return text.length > ERROR_EXCERPT_CHARS ? `${text.slice(0, ERROR_EXCERPT_CHARS)}…` : text;
}

const TITLE = /<title[^>]*>([\s\S]*?)<\/title>/i;
const TAG = /<[^>]*>/g;
const SPACE = /\s+/g;

/**
 * A readable excerpt of an error body that is not JSON: an HTML page (a proxy's or a load balancer's)
 * becomes its `<title>`, or its text without tags when the title is missing or empty; whitespace is
 * collapsed and the result cut with {@link clipErrorText}. Empty when nothing readable is left.
 *
 * @example
 * ```ts
 * excerptErrorBody('<html><title>502 Bad Gateway</title><body>…</body></html>'); // '502 Bad Gateway'
 * ```
 */
export function excerptErrorBody(text: string): string {
  const title = TITLE.exec(text)?.[1]?.replace(TAG, ' ').replace(SPACE, ' ').trim();
  return clipErrorText(title || text.replace(TAG, ' ').replace(SPACE, ' ').trim());
}
