/**
 * Anthropic content blocks ↔ canonical parts, shared by requests and responses. Fields a block has that
 * the canonical part does not (`cache_control`, `citations`, `context`, ...) ride in the part's
 * `providerMetadata['anthropic-messages']` and are restored on the way back.
 */

import { base64ToText, textToBase64 } from '../base64.js';
import type {
  FilePart,
  ImagePart,
  ProviderMetadata,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  TranslationWarning,
} from '../canonical.js';
import { argumentsObject, invalid, isRecord, type JsonObject, obj, str } from '../json.js';
import { parseDataUrl } from '../media.js';
import { tagSignature, untagSignature } from '../reasoning.js';
import { applyExtras, extras, toMetadata } from './metadata.js';

const TEXT_KEYS = new Set(['type', 'text']);
const MEDIA_KEYS = new Set(['type', 'source']);
const DOCUMENT_KEYS = new Set(['type', 'source', 'title']);
const THINKING_KEYS = new Set(['type', 'thinking', 'signature']);
const REDACTED_KEYS = new Set(['type', 'data']);
const TOOL_USE_KEYS = new Set(['type', 'id', 'name', 'input']);

function withMeta<T extends { providerMetadata?: ProviderMetadata }>(part: T, meta: JsonObject | undefined): T {
  const metadata = toMetadata(meta);
  if (metadata !== undefined) part.providerMetadata = metadata;
  return part;
}

/** A `text` block → text part. `field` names the block for errors (`messages[0].content[1]`). */
export function textToCanonical(block: JsonObject, field: string): TextPart {
  const text = str(block.text);
  if (text === undefined) invalid(`${field}.text`, 'must be a string');
  return withMeta<TextPart>({ type: 'text', text }, extras(block, TEXT_KEYS));
}

/** An `image` block → image part, or a file part for a Files API image (`source.type: 'file'`). */
export function imageToCanonical(block: JsonObject, field: string): ImagePart | FilePart {
  const source = obj(block.source);
  const meta = extras(block, MEDIA_KEYS);
  switch (source?.type) {
    case 'base64': {
      const mediaType = str(source.media_type);
      const data = str(source.data);
      if (mediaType === undefined || data === undefined) invalid(`${field}.source`, 'needs media_type and data');
      return withMeta<ImagePart>({ type: 'image', source: { type: 'base64', mediaType, data } }, meta);
    }
    case 'url': {
      const url = str(source.url);
      if (url === undefined) invalid(`${field}.source.url`, 'must be a string');
      return withMeta<ImagePart>({ type: 'image', source: { type: 'url', url } }, meta);
    }
    case 'file': {
      const fileId = str(source.file_id);
      if (fileId === undefined) invalid(`${field}.source.file_id`, 'must be a string');
      return withMeta<FilePart>({ type: 'file', source: { type: 'file-id', fileId }, mediaType: 'image/*' }, meta);
    }
    default:
      return invalid(`${field}.source.type`, "must be 'base64', 'url' or 'file'");
  }
}

/**
 * A `document` block → file part. Plain-text documents become base64 `text/plain` files (so every dialect
 * can carry them) and turn back into text sources on the way out. Returns undefined, with a warning, for
 * a `content` source (Anthropic-only custom content), which has no canonical form.
 */
export function documentToCanonical(
  block: JsonObject,
  field: string,
  warnings: TranslationWarning[],
): FilePart | undefined {
  const source = obj(block.source);
  const part: FilePart = { type: 'file', source: { type: 'url', url: '' } };
  switch (source?.type) {
    case 'base64': {
      const mediaType = str(source.media_type);
      const data = str(source.data);
      if (mediaType === undefined || data === undefined) invalid(`${field}.source`, 'needs media_type and data');
      part.source = { type: 'base64', mediaType, data };
      part.mediaType = mediaType;
      break;
    }
    case 'text': {
      const data = str(source.data);
      if (data === undefined) invalid(`${field}.source.data`, 'must be a string');
      const mediaType = str(source.media_type) ?? 'text/plain';
      part.source = { type: 'base64', mediaType, data: textToBase64(data) };
      part.mediaType = mediaType;
      break;
    }
    case 'url': {
      const url = str(source.url);
      if (url === undefined) invalid(`${field}.source.url`, 'must be a string');
      part.source = { type: 'url', url };
      part.mediaType = 'application/pdf';
      break;
    }
    case 'file': {
      const fileId = str(source.file_id);
      if (fileId === undefined) invalid(`${field}.source.file_id`, 'must be a string');
      part.source = { type: 'file-id', fileId };
      break;
    }
    case 'content':
      warnings.push({ code: 'dropped-content', message: `${field}: a document with a content source was dropped` });
      return undefined;
    default:
      return invalid(`${field}.source.type`, "must be 'base64', 'text', 'url', 'file' or 'content'");
  }
  const title = str(block.title);
  if (title !== undefined) part.filename = title;
  return withMeta(part, extras(block, DOCUMENT_KEYS));
}

/** A `thinking` or `redacted_thinking` block → reasoning part; the signature is untagged. */
export function thinkingToCanonical(block: JsonObject, field: string): ReasoningPart {
  if (block.type === 'redacted_thinking') {
    const data = str(block.data);
    if (data === undefined) invalid(`${field}.data`, 'must be a string');
    return withMeta<ReasoningPart>(
      { type: 'reasoning', text: '', redactedData: data, origin: 'anthropic' },
      extras(block, REDACTED_KEYS),
    );
  }
  const text = str(block.thinking);
  if (text === undefined) invalid(`${field}.thinking`, 'must be a string');
  const part: ReasoningPart = { type: 'reasoning', text, origin: 'anthropic' };
  const raw = str(block.signature);
  if (raw !== undefined && raw !== '') {
    const { origin, signature } = untagSignature(raw, 'anthropic');
    part.origin = origin;
    part.signature = signature;
  }
  return withMeta(part, extras(block, THINKING_KEYS));
}

/** A `tool_use` block → tool-call part (the input object becomes JSON text). */
export function toolUseToCanonical(block: JsonObject, field: string): ToolCallPart {
  const id = str(block.id);
  const name = str(block.name);
  if (id === undefined) invalid(`${field}.id`, 'must be a string');
  if (name === undefined) invalid(`${field}.name`, 'must be a string');
  const input = block.input === undefined || block.input === null ? {} : block.input;
  if (!isRecord(input)) invalid(`${field}.input`, 'must be an object');
  return withMeta<ToolCallPart>(
    { type: 'tool-call', id, name, arguments: JSON.stringify(input) },
    extras(block, TOOL_USE_KEYS),
  );
}

/** Text part → `text` block. */
export function textFromCanonical(part: TextPart): JsonObject {
  return applyExtras({ type: 'text', text: part.text }, part.providerMetadata);
}

/** Image part → `image` block (`data:` URLs become base64 sources: Anthropic URL sources are http(s) only). */
export function imageFromCanonical(part: ImagePart): JsonObject {
  let source: JsonObject;
  if (part.source.type === 'base64') {
    source = { type: 'base64', media_type: part.source.mediaType, data: part.source.data };
  } else {
    const inline = parseDataUrl(part.source.url);
    source = inline
      ? { type: 'base64', media_type: inline.mediaType, data: inline.data }
      : { type: 'url', url: part.source.url };
  }
  return applyExtras({ type: 'image', source }, part.providerMetadata);
}

/**
 * File part → `document` block (PDF by base64 or URL, plain text, Files API id), or `image` block for
 * image files. Other media types (audio, office files) have no Anthropic block: undefined, with a warning.
 */
export function fileFromCanonical(part: FilePart, warnings: TranslationWarning[]): JsonObject | undefined {
  const src = part.source;
  let source: JsonObject | undefined;
  let type = 'document';
  if (src.type === 'file-id') {
    source = { type: 'file', file_id: src.fileId };
    if (part.mediaType?.startsWith('image/')) type = 'image';
  } else {
    let mediaType = src.type === 'base64' ? src.mediaType : part.mediaType;
    let data = src.type === 'base64' ? src.data : undefined;
    if (src.type === 'url') {
      const inline = parseDataUrl(src.url);
      if (inline) {
        mediaType = inline.mediaType;
        data = inline.data;
      } else {
        source = { type: 'url', url: src.url };
        if (mediaType?.startsWith('image/')) type = 'image';
      }
    }
    if (data !== undefined) {
      if (mediaType === 'application/pdf') source = { type: 'base64', media_type: mediaType, data };
      else if (mediaType?.startsWith('image/')) {
        source = { type: 'base64', media_type: mediaType, data };
        type = 'image';
      } else if (mediaType?.startsWith('text/')) {
        const text = base64ToText(data);
        if (text !== undefined) source = { type: 'text', media_type: 'text/plain', data: text };
      }
    }
  }
  if (source === undefined) {
    warnings.push({
      code: 'dropped-content',
      message: `A file of type '${part.mediaType ?? 'unknown'}' has no Anthropic content block and was dropped`,
    });
    return undefined;
  }
  const block: JsonObject = { type, source };
  if (type === 'document' && part.filename !== undefined) block.title = part.filename;
  return applyExtras(block, part.providerMetadata);
}

/**
 * Reasoning part → `thinking` / `redacted_thinking` block, as is: the caller has already decided the part
 * may be sent. The signature is tagged with its origin unless it is Anthropic's own.
 */
export function thinkingFromCanonical(part: ReasoningPart): JsonObject {
  if (part.redactedData !== undefined) {
    return applyExtras({ type: 'redacted_thinking', data: part.redactedData }, part.providerMetadata);
  }
  const signature =
    part.signature === undefined
      ? ''
      : part.origin === undefined
        ? part.signature
        : tagSignature(part.origin, part.signature, 'anthropic');
  return applyExtras({ type: 'thinking', thinking: part.text, signature }, part.providerMetadata);
}

/** Tool-call part → `tool_use` block; arguments that are not a JSON object become `{}`, with a warning. */
export function toolUseFromCanonical(part: ToolCallPart, warnings: TranslationWarning[]): JsonObject {
  const input = argumentsObject(part.arguments);
  if (part.arguments.trim() !== '' && Object.keys(input).length === 0 && part.arguments.trim() !== '{}') {
    warnings.push({
      code: 'invalid-tool-arguments',
      message: `Tool call '${part.id}' had arguments that are not a JSON object; sent as {}`,
    });
  }
  return applyExtras({ type: 'tool_use', id: part.id, name: part.name, input }, part.providerMetadata);
}
