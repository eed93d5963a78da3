/**
 * Text ↔ base64 without Node's `Buffer` (translate/ runs in browsers and workers too). Used for
 * Anthropic plain-text documents, which the canonical form carries as base64 `text/plain` files.
 */

const CHUNK = 0x8000;

/** UTF-8 text as base64. */
export function textToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  // Chunked so a long document never exceeds the engine's argument limit.
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** Base64 as UTF-8 text, or undefined when it is not valid base64. */
export function base64ToText(data: string): string | undefined {
  let binary: string;
  try {
    binary = atob(data);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}
