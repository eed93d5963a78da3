/**
 * Vectors as OpenAI's `encoding_format: "base64"` carries them: the float32 values, little-endian, as
 * base64. The OpenAI SDK decodes them with `new Float32Array(buffer)`, which is little-endian on every
 * platform Node runs on. No `Buffer`: translate/ runs in browsers and workers too.
 */

const CHUNK = 0x8000;

/** A vector as base64 of little-endian float32 (each value rounded to float32). */
export function float32ToBase64(vector: readonly number[]): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i]!, true);
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** Base64 of little-endian float32 as numbers; undefined when it is not base64 of whole float32s. */
export function base64ToFloat32(data: string): number[] | undefined {
  let binary: string;
  try {
    binary = atob(data);
  } catch {
    return undefined;
  }
  if (binary.length % 4 !== 0) return undefined;
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  const out = new Array<number>(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
