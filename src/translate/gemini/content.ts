import type {
  AssistantContent,
  FilePart,
  ImagePart,
  ReasoningPart,
  ToolResultPart,
  TranslationWarning,
} from '../canonical.js';
import { argumentsObject, isRecord, type JsonObject, obj, parseJson, str } from '../json.js';
import { tagSignature, untagSignature } from '../reasoning.js';
import { get } from './fields.js';
import { KEY, ours } from './metadata.js';
import { isSyntheticId } from './tool-call-ids.js';

/**
 * Gemini's documented stand-in signature for function calls it did not produce (a history from another
 * model): it makes Gemini 3 skip its "function call is missing a thought_signature" check.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export const SKIP_SIGNATURE = 'skip_thought_signature_validator';

/** `inlineData` / `fileData` → an image or file part; undefined for other parts. */
export function mediaToCanonical(part: JsonObject): ImagePart | FilePart | undefined {
  const inline = obj(get(part, 'inlineData'));
  if (inline) {
    const mediaType = str(get(inline, 'mimeType')) ?? 'application/octet-stream';
    const source = { type: 'base64' as const, mediaType, data: str(inline.data) ?? '' };
    return mediaType.startsWith('image/') ? { type: 'image', source } : { type: 'file', source, mediaType };
  }
  const file = obj(get(part, 'fileData'));
  const url = file ? str(get(file, 'fileUri')) : undefined;
  if (!file || url === undefined) return undefined;
  const mediaType = str(get(file, 'mimeType'));
  if (mediaType?.startsWith('image/')) {
    // ImagePart has no media type for URL sources; kept for the trip back to Gemini.
    return { type: 'image', source: { type: 'url', url }, providerMetadata: { [KEY]: { mimeType: mediaType } } };
  }
  const out: FilePart = { type: 'file', source: { type: 'url', url } };
  if (mediaType) out.mediaType = mediaType;
  const name = str(get(file, 'displayName'));
  if (name) out.filename = name;
  return out;
}

/** An image or file part → `inlineData` / `fileData`; undefined (with a warning) when Gemini cannot take it. */
export function mediaFromCanonical(part: ImagePart | FilePart, warnings: TranslationWarning[]): JsonObject | undefined {
  const source = part.source;
  const declared = part.type === 'file' ? part.mediaType : str(ours(part.providerMetadata).mimeType);
  if (source.type === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } };
  if (source.type === 'url') {
    const data = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(source.url);
    if (data) return { inlineData: { mimeType: data[1], data: data[2] } };
    if (source.url.startsWith('data:')) {
      warnings.push({
        code: 'dropped-content',
        message: 'A data: URL that is not base64 was dropped (Gemini takes inline base64 only).',
      });
      return undefined;
    }
    const fileData: JsonObject = declared ? { mimeType: declared, fileUri: source.url } : { fileUri: source.url };
    if (part.type === 'file' && part.filename) fileData.displayName = part.filename;
    return { fileData };
  }
  // Gemini Files API names (`files/abc`) are usable as URIs; other providers' file ids are not.
  const id = source.fileId;
  if (id.startsWith('files/') || id.startsWith('https://')) {
    const uri = id.startsWith('files/') ? `https://generativelanguage.googleapis.com/v1beta/${id}` : id;
    return { fileData: declared ? { mimeType: declared, fileUri: uri } : { fileUri: uri } };
  }
  warnings.push({ code: 'dropped-content', message: `File id '${id}' is not a Gemini file and was dropped.` });
  return undefined;
}

/**
 * Parts of a `model` turn → assistant content.
 * - `thought: true` parts are reasoning; consecutive unsigned ones (one thought split across stream
 *   chunks) merge into one reasoning part.
 * - A `thoughtSignature` on a thought part is that reasoning's signature (flagged `signatureOnThought`).
 *   On any other part (a function call, text, or an empty text part) it signs the reasoning just before
 *   it, or, when there is none, an empty reasoning part inserted before it. That keeps the signature in
 *   the one slot every dialect carries; the way back puts it on the following part again.
 * - Signatures are untagged: one that another dialect tagged keeps its origin.
 * - Images and code execution parts in model output have no canonical slot: dropped with a warning.
 */
export function assistantToCanonical(
  parts: unknown[],
  callId: (partIndex: number, callIndex: number, name: string, args: string) => string,
  warnings: TranslationWarning[],
): AssistantContent[] {
  const out: AssistantContent[] = [];
  let calls = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (!isRecord(part)) continue;
    const rawSignature = str(get(part, 'thoughtSignature'));
    const signed = rawSignature === undefined ? undefined : untagSignature(rawSignature, 'gemini');
    const previous = out[out.length - 1];
    const openReasoning =
      previous?.type === 'reasoning' && previous.signature === undefined && previous.redactedData === undefined
        ? previous
        : undefined;
    if (part.thought === true) {
      const text = str(part.text) ?? '';
      let target: ReasoningPart;
      if (openReasoning) {
        target = openReasoning;
        target.text += text;
      } else {
        target = { type: 'reasoning', text, origin: signed?.origin ?? 'gemini' };
        out.push(target);
      }
      if (signed) {
        // Unsigned thought text has no origin of its own: the signature that closes it decides.
        target.origin = signed.origin;
        target.signature = signed.signature;
        target.providerMetadata = { [KEY]: { signatureOnThought: true } };
      }
      continue;
    }
    if (signed) {
      if (openReasoning) {
        openReasoning.origin = signed.origin;
        openReasoning.signature = signed.signature;
      } else out.push({ type: 'reasoning', text: '', signature: signed.signature, origin: signed.origin });
    }
    const text = str(part.text);
    const call = obj(get(part, 'functionCall'));
    if (text !== undefined) {
      if (text !== '') out.push({ type: 'text', text });
    } else if (call) {
      const name = str(call.name) ?? '';
      const args = isRecord(call.args) ? JSON.stringify(call.args) : '{}';
      out.push({ type: 'tool-call', id: str(call.id) ?? callId(i, calls, name, args), name, arguments: args });
      calls++;
    } else if (!signed) {
      const kind = Object.keys(part).join(', ');
      warnings.push({
        code: 'dropped-content',
        message: `A model part (${kind}) has no canonical form and was dropped.`,
      });
    }
  }
  return out;
}

/** How {@link assistantFromCanonical} treats reasoning. */
export interface AssistantPartsOptions {
  warnings: TranslationWarning[];
  /**
   * `request`: reasoning of other origins is dropped (or turned into text); `response`: it is sent to the
   * Gemini client with a tagged signature, so it comes back to the family that made it.
   */
  mode: 'request' | 'response';
  foreignThinking?: 'drop' | 'text';
  /** Request mode: whether Gemini signatures may be sent (false when the target is another family). */
  sendSignatures?: boolean;
  /** The function name to send for a canonical tool name. */
  nameFor: (name: string) => string;
}

/** Assistant content → the parts of a `model` turn (the inverse of {@link assistantToCanonical}). */
export function assistantFromCanonical(
  content: readonly AssistantContent[],
  options: AssistantPartsOptions,
): JsonObject[] {
  const parts: JsonObject[] = [];
  const { warnings } = options;
  let pending: string | undefined;
  let firstCall = true;
  const hasNativeSignature = content.some((c) => c.type === 'reasoning' && c.origin === 'gemini' && c.signature);
  for (let i = 0; i < content.length; i++) {
    const c = content[i];
    if (!c) continue;
    if (c.type === 'reasoning') {
      let signature: string | undefined;
      if (options.mode === 'request') {
        const foreign =
          c.origin !== undefined ? c.origin !== 'gemini' : c.signature !== undefined || c.redactedData !== undefined;
        if (foreign) {
          if (options.foreignThinking === 'text' && c.text) {
            parts.push({ text: c.text });
            warnings.push({
              code: 'foreign-thinking-as-text',
              message: `Thinking from ${c.origin ?? 'another provider'} was sent to Gemini as plain text.`,
            });
          } else {
            warnings.push({
              code: 'foreign-thinking-dropped',
              message: `Thinking from ${c.origin ?? 'another provider'} cannot be sent to Gemini and was dropped.`,
            });
          }
          continue;
        }
        signature = options.sendSignatures === false ? undefined : c.signature;
      } else {
        signature = c.signature === undefined ? undefined : tagSignature(c.origin ?? 'gemini', c.signature, 'gemini');
        if (c.redactedData !== undefined) {
          warnings.push({
            code: 'dropped-content',
            message: 'Redacted thinking has no Gemini counterpart and was dropped.',
          });
          if (!c.text && !signature) continue;
        }
      }
      const onThought = ours(c.providerMetadata).signatureOnThought === true;
      if (signature === undefined || onThought) {
        parts.push(
          signature === undefined
            ? { text: c.text, thought: true }
            : { text: c.text, thought: true, thoughtSignature: signature },
        );
        continue;
      }
      if (c.text) parts.push({ text: c.text, thought: true });
      const next = content[i + 1];
      if (next !== undefined && next.type !== 'reasoning') pending = signature;
      // Gemini ends a turn with an empty text part carrying the signature; rebuild exactly that.
      else parts.push({ text: '', thoughtSignature: signature });
      continue;
    }
    if (c.type === 'text') {
      parts.push(pending === undefined ? { text: c.text } : { text: c.text, thoughtSignature: pending });
      pending = undefined;
      continue;
    }
    const call: JsonObject = { name: options.nameFor(c.name), args: argumentsObject(c.arguments) };
    if (!isSyntheticId(c.id)) call.id = c.id;
    let signature = pending ?? str(ours(c.providerMetadata).thoughtSignature);
    pending = undefined;
    if (
      signature === undefined &&
      options.mode === 'request' &&
      firstCall &&
      !hasNativeSignature &&
      !isSyntheticId(c.id)
    ) {
      // A call Gemini did not make (its id is not one of ours): Gemini 3 wants a signature on the first call.
      signature = SKIP_SIGNATURE;
    }
    firstCall = false;
    parts.push(signature === undefined ? { functionCall: call } : { functionCall: call, thoughtSignature: signature });
  }
  if (pending !== undefined) parts.push({ text: '', thoughtSignature: pending });
  return parts;
}

/**
 * A tool result → a `functionResponse` part (plus its images and files as sibling parts, which every
 * Gemini model reads; `functionResponse.parts` is Gemini 3 only).
 *
 * Content mapping (Gemini wants an object; it documents `output` and `error` keys): text that parses as
 * a JSON object is sent as that object; any other text as `{output: text}`; an error as `{error: text}`.
 * {@link toolResultToCanonical} reverses it exactly.
 */
export function toolResultFromCanonical(
  result: ToolResultPart,
  name: string,
  id: string | undefined,
  warnings: TranslationWarning[],
): JsonObject[] {
  const siblings: JsonObject[] = [];
  let text: string;
  if (typeof result.content === 'string') text = result.content;
  else {
    const texts: string[] = [];
    for (const item of result.content) {
      if (item.type === 'text') texts.push(item.text);
      else {
        const media = mediaFromCanonical(item, warnings);
        if (media) siblings.push(media);
      }
    }
    text = texts.join('\n');
  }
  let response: JsonObject;
  if (result.isError) response = { error: text };
  else {
    const parsed = text.trimStart().startsWith('{') ? parseJson(text) : undefined;
    response = isRecord(parsed) ? parsed : { output: text };
  }
  const fr: JsonObject = id === undefined ? { name, response } : { id, name, response };
  return [{ functionResponse: fr }, ...siblings];
}

/** A `functionResponse` → tool-result content and error flag (see {@link toolResultFromCanonical}). */
export function toolResultToCanonical(
  fr: JsonObject,
  warnings: TranslationWarning[],
): Pick<ToolResultPart, 'content' | 'isError'> {
  const response = obj(fr.response) ?? {};
  const keys = Object.keys(response);
  let text: string;
  let isError = false;
  if (keys.length === 1 && keys[0] === 'output' && typeof response.output === 'string') text = response.output;
  else if (keys.length === 1 && keys[0] === 'error' && typeof response.error === 'string') {
    text = response.error;
    isError = true;
  } else text = JSON.stringify(response);
  const media: Array<ImagePart | FilePart> = [];
  if (Array.isArray(fr.parts)) {
    for (const p of fr.parts) {
      const m = isRecord(p) ? mediaToCanonical(p) : undefined;
      if (m) media.push(m);
      else
        warnings.push({ code: 'dropped-content', message: 'A functionResponse part that is not media was dropped.' });
    }
  }
  const content: ToolResultPart['content'] = media.length > 0 ? [{ type: 'text', text }, ...media] : text;
  return isError ? { content, isError } : { content };
}
