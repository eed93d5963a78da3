import type { FilePart, ImagePart, ReasoningPart, TextPart, TranslationWarning, UserContent } from '../canonical.js';
import { arr, invalid, isRecord, type JsonObject, str } from '../json.js';
import { parseDataUrl, sourceToUrl, urlToSource } from '../media.js';
import { untagSignature } from '../reasoning.js';
import { ours, toMetadata } from './metadata.js';

/**
 * One input content part (`input_text`, `input_image`, `input_file`) in canonical form; undefined (with a
 * warning) for parts no other dialect can carry (`input_audio`, ...).
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
export function inputPartToCanonical(
  part: unknown,
  field: string,
  warnings: TranslationWarning[],
): UserContent | undefined {
  if (typeof part === 'string') return { type: 'text', text: part };
  if (!isRecord(part)) invalid(field, 'must be an object');
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: requireString(part.text, `${field}.text`) };
    case 'input_image':
      return imageToCanonical(part, field);
    case 'input_file':
      return fileToCanonical(part, field);
    default:
      warnings.push({
        code: 'dropped-content',
        message: `Content part '${String(part.type)}' at ${field} has no canonical counterpart and was dropped`,
      });
      return undefined;
  }
}

function imageToCanonical(part: JsonObject, field: string): ImagePart | FilePart {
  const detail = str(part.detail);
  const url = str(part.image_url);
  if (url !== undefined) {
    const image: ImagePart = { type: 'image', source: urlToSource(url) };
    if (detail !== undefined) image.detail = detail;
    return image;
  }
  const fileId = str(part.file_id);
  if (fileId === undefined) invalid(`${field}.image_url`, 'is required when file_id is absent');
  // The canonical image carries URLs and bytes only; an uploaded image travels as a file flagged as an image.
  const file: FilePart = { type: 'file', source: { type: 'file-id', fileId }, mediaType: 'image/*' };
  const metadata = toMetadata({ image: true, detail });
  if (metadata) file.providerMetadata = metadata;
  return file;
}

function fileToCanonical(part: JsonObject, field: string): FilePart {
  const filename = str(part.filename);
  const data = str(part.file_data);
  const url = str(part.file_url);
  const fileId = str(part.file_id);
  let file: FilePart;
  if (data !== undefined) {
    const parsed = parseDataUrl(data);
    file = parsed
      ? { type: 'file', source: { type: 'base64', mediaType: parsed.mediaType, data: parsed.data } }
      : // A bare base64 payload: the media type is guessed from the filename (PDF is what OpenAI accepts most).
        { type: 'file', source: { type: 'base64', mediaType: mediaTypeOf(filename), data } };
    file.mediaType = (file.source as { mediaType: string }).mediaType;
  } else if (url !== undefined) {
    file = { type: 'file', source: urlToSource(url) };
  } else if (fileId !== undefined) {
    file = { type: 'file', source: { type: 'file-id', fileId } };
  } else {
    invalid(field, 'needs file_data, file_url or file_id');
  }
  if (filename !== undefined) file.filename = filename;
  return file;
}

/** A canonical user part (or tool-result part) as a Responses input content part. */
export function partFromCanonical(part: TextPart | ImagePart | FilePart): JsonObject {
  switch (part.type) {
    case 'text':
      return { type: 'input_text', text: part.text };
    case 'image':
      return { type: 'input_image', image_url: sourceToUrl(part.source), detail: part.detail ?? 'auto' };
    case 'file':
      return fileFromCanonical(part);
  }
}

function fileFromCanonical(part: FilePart): JsonObject {
  const source = part.source;
  if (source.type === 'file-id') {
    const meta = ours(part.providerMetadata);
    if (meta.image === true || part.mediaType?.startsWith('image/')) {
      return { type: 'input_image', file_id: source.fileId, detail: str(meta.detail) ?? 'auto' };
    }
    return withFilename({ type: 'input_file', file_id: source.fileId }, part.filename);
  }
  if (source.type === 'url' && !source.url.startsWith('data:')) {
    return withFilename({ type: 'input_file', file_url: source.url }, part.filename);
  }
  // OpenAI wants a filename with inline file data; one is made up from the media type when unknown.
  const mediaType = source.type === 'base64' ? source.mediaType : parseDataUrl(source.url)?.mediaType;
  return {
    type: 'input_file',
    filename: part.filename ?? defaultFilename(mediaType ?? part.mediaType),
    file_data: sourceToUrl(source),
  };
}

function withFilename(out: JsonObject, filename: string | undefined): JsonObject {
  if (filename !== undefined) out.filename = filename;
  return out;
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  html: 'text/html',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

function mediaTypeOf(filename: string | undefined): string {
  const ext = filename?.slice(filename.lastIndexOf('.') + 1).toLowerCase();
  return (ext && EXTENSIONS[ext]) || 'application/pdf';
}

function defaultFilename(mediaType: string | undefined): string {
  for (const ext in EXTENSIONS) if (EXTENSIONS[ext] === mediaType) return `file.${ext}`;
  return 'file';
}

/** A required string field, or the typed invalid-request error naming it. */
export function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string') invalid(field, 'must be a string');
  return value;
}

/** A reasoning item (input or output) as a canonical reasoning part. */
export function reasoningToCanonical(item: JsonObject): ReasoningPart {
  const summaries: string[] = [];
  for (const entry of arr(item.summary)) {
    const text = isRecord(entry) ? str(entry.text) : undefined;
    if (text !== undefined) summaries.push(text);
  }
  const contents: string[] = [];
  for (const entry of arr(item.content)) {
    const text = isRecord(entry) ? str(entry.text) : undefined;
    if (text !== undefined) contents.push(text);
  }
  // The summary is what OpenAI shows; raw reasoning text (open-weight models) stands in when there is none.
  const text = summaries.length > 0 ? summaries.join('\n\n') : contents.join('\n\n');
  const part: ReasoningPart = { type: 'reasoning', text, origin: 'openai' };
  const encrypted = str(item.encrypted_content);
  if (encrypted) {
    const { origin, signature } = untagSignature(encrypted, 'openai');
    part.signature = signature;
    part.origin = origin;
  }
  const id = str(item.id);
  if (id !== undefined) part.id = id;
  const metadata = toMetadata({
    // Kept only when joining would lose the structure.
    summary: summaries.length > 1 ? summaries : undefined,
    noSummary: summaries.length === 0 && contents.length > 0 ? true : undefined,
    content: contents.length > 0 ? arr(item.content) : undefined,
    status: str(item.status),
  });
  if (metadata) part.providerMetadata = metadata;
  return part;
}

/** The `summary` list of a reasoning item for canonical text (split back when it was joined). */
export function summaryOf(text: string, kept: unknown): JsonObject[] {
  const parts = Array.isArray(kept) && kept.every((entry) => typeof entry === 'string') ? (kept as string[]) : [];
  const texts = parts.length > 0 && parts.join('\n\n') === text ? parts : text === '' ? [] : [text];
  return texts.map((entry) => ({ type: 'summary_text', text: entry }));
}
