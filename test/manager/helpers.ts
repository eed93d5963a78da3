import { SwitchyardError } from '../../src/index.js';

const decoder = new TextDecoder();

/** A Manager answer's body as text, whole or streamed. */
export async function text(body: Uint8Array | AsyncIterable<Uint8Array>): Promise<string> {
  if (body instanceof Uint8Array) return decoder.decode(body);
  let out = '';
  for await (const chunk of body) out += decoder.decode(chunk, { stream: true });
  return out;
}

/** The switchyard error a promise rejects with; fails the test when it resolves or rejects otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<SwitchyardError> {
  try {
    await promise;
  } catch (err) {
    if (SwitchyardError.is(err)) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}
