import type {
  AssistantContent,
  FilePart,
  ImagePart,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  ToolResultPart,
  TranslationWarning,
} from '../canonical.js';
import { argumentsObject, isRecord, type JsonObject, obj, str } from '../json.js';
import { parseDataUrl } from '../media.js';
import { hasCachePoint, withCachePoint } from './metadata.js';
import { DOCUMENT_FORMATS, IMAGE_FORMATS, mediaTypeOfFormat } from './wire-types.js';

/** A Converse `cachePoint` block. */
export const CACHE_POINT: JsonObject = Object.freeze({ cachePoint: { type: 'default' } }) as JsonObject;

/** A canonical part read from one Converse content block, or undefined for a block with no counterpart. */
export type ReadPart = TextPart | ImagePart | FilePart | ReasoningPart | ToolCallPart | ToolResultPart;

/** Inline bytes of a media source, or undefined when it is a URL Bedrock cannot fetch. */
function inlineBytes(part: ImagePart | FilePart): { mediaType: string; data: string } | undefined {
  const source = part.source;
  if (source.type === 'base64') return { mediaType: source.mediaType, data: source.data };
  if (source.type === 'url') return parseDataUrl(source.url);
  return undefined;
}

/** A document name as Converse accepts it: letters, digits, spaces, hyphens, parentheses, brackets. */
function documentName(filename: string | undefined, index: number): string {
  const base = (filename ?? '').replace(/\.[A-Za-z0-9]+$/, '').replace(/[^A-Za-z0-9 ()[\]-]+/g, '-');
  const trimmed = base.replace(/\s+/g, ' ').trim();
  return trimmed === '' ? `document-${index + 1}` : trimmed.slice(0, 200);
}

/** Canonical image → Converse `{ image: { format, source: { bytes } } }`; a URL source is dropped (Bedrock fetches none). */
export function imageFromCanonical(part: ImagePart, warnings: TranslationWarning[]): JsonObject | undefined {
  const inline = inlineBytes(part);
  const format = inline === undefined ? undefined : IMAGE_FORMATS[inline.mediaType.toLowerCase()];
  if (inline === undefined || format === undefined) {
    warnings.push({
      code: 'dropped-content',
      message:
        inline === undefined
          ? 'An image given by URL was dropped: Bedrock Converse takes inline bytes only'
          : `An image of type ${inline.mediaType} was dropped: Bedrock Converse takes png, jpeg, gif and webp`,
    });
    return undefined;
  }
  return { image: { format, source: { bytes: inline.data } } };
}

/** Canonical file → Converse `{ document: { format, name, source: { bytes } } }`, when its type is one Converse reads. */
export function fileFromCanonical(
  part: FilePart,
  index: number,
  warnings: TranslationWarning[],
): JsonObject | undefined {
  const inline = part.source.type === 'file-id' ? undefined : inlineBytes(part as ImagePart | FilePart);
  const mediaType = (part.mediaType ?? inline?.mediaType ?? '').toLowerCase();
  const imageFormat = IMAGE_FORMATS[mediaType];
  if (inline !== undefined && imageFormat !== undefined) {
    return { image: { format: imageFormat, source: { bytes: inline.data } } };
  }
  const format = DOCUMENT_FORMATS[mediaType];
  if (inline === undefined || format === undefined) {
    warnings.push({
      code: 'dropped-content',
      message:
        inline === undefined
          ? 'A file given by URL or file id was dropped: Bedrock Converse takes inline bytes only'
          : `A file of type ${mediaType || 'unknown'} was dropped: Bedrock Converse has no such document format`,
    });
    return undefined;
  }
  return { document: { format, name: documentName(part.filename, index), source: { bytes: inline.data } } };
}

/** Canonical reasoning → `{ reasoningContent: { reasoningText: { text, signature } } }` or `{ redactedContent }`. */
export function reasoningFromCanonical(part: ReasoningPart): JsonObject {
  if (part.redactedData !== undefined) return { reasoningContent: { redactedContent: part.redactedData } };
  const reasoningText: JsonObject = { text: part.text };
  if (part.signature !== undefined && part.signature !== '') reasoningText.signature = part.signature;
  return { reasoningContent: { reasoningText } };
}

/** Canonical tool call → `{ toolUse: { toolUseId, name, input } }` (input an object, as Converse requires). */
export function toolUseFromCanonical(part: ToolCallPart, warnings: TranslationWarning[]): JsonObject {
  const input = argumentsObject(part.arguments);
  if (part.arguments.trim() !== '' && Object.keys(input).length === 0 && part.arguments.trim() !== '{}') {
    warnings.push({
      code: 'invalid-tool-arguments',
      message: `Arguments of tool call ${part.id} are not a JSON object and were sent as {}`,
    });
  }
  return { toolUse: { toolUseId: part.id, name: part.name, input } };
}

/** Canonical tool result → `{ toolResult: { toolUseId, content, status } }`. */
export function toolResultFromCanonical(part: ToolResultPart, warnings: TranslationWarning[]): JsonObject {
  const content: JsonObject[] = [];
  if (typeof part.content === 'string') content.push({ text: part.content });
  else {
    part.content.forEach((inner, i) => {
      if (inner.type === 'text') content.push({ text: inner.text });
      else if (inner.type === 'image') {
        const block = imageFromCanonical(inner, warnings);
        if (block) content.push(block);
      } else {
        const block = fileFromCanonical(inner, i, warnings);
        if (block) content.push(block);
      }
    });
  }
  // Converse rejects a tool result without content.
  if (content.length === 0) content.push({ text: '' });
  const toolResult: JsonObject = { toolUseId: part.toolCallId, content };
  if (part.isError === true) toolResult.status = 'error';
  return { toolResult };
}

/** Pushes `block` and, when the part carried Anthropic's `cache_control`, a `cachePoint` after it. */
export function pushWithCachePoint(
  out: JsonObject[],
  block: JsonObject | undefined,
  part: { providerMetadata?: TextPart['providerMetadata'] },
): void {
  if (block === undefined) return;
  out.push(block);
  if (hasCachePoint(part.providerMetadata)) out.push({ ...CACHE_POINT });
}

function readMedia(block: JsonObject, kind: 'image' | 'document'): { mediaType: string; data: string } | undefined {
  const format = str(block.format);
  const bytes = str(obj(block.source)?.bytes);
  if (format === undefined || bytes === undefined) return undefined;
  return { mediaType: mediaTypeOfFormat(format, kind), data: bytes };
}

/**
 * One Converse content block → canonical part. A `cachePoint` marks the part before it (see
 * {@link readBlocks}); blocks with no counterpart (guard content, video, citations, S3 sources) are
 * dropped with a warning.
 */
function readBlock(block: JsonObject, where: string, warnings: TranslationWarning[]): ReadPart | undefined {
  if (typeof block.text === 'string') return { type: 'text', text: block.text };
  const image = obj(block.image);
  if (image !== undefined) {
    const media = readMedia(image, 'image');
    if (media !== undefined) return { type: 'image', source: { type: 'base64', ...media } };
  }
  const document = obj(block.document);
  if (document !== undefined) {
    const media = readMedia(document, 'document');
    const name = str(document.name);
    if (media !== undefined) {
      const part: FilePart = { type: 'file', source: { type: 'base64', ...media }, mediaType: media.mediaType };
      if (name !== undefined) part.filename = name;
      return part;
    }
    const text = str(obj(document.source)?.text);
    if (text !== undefined) return { type: 'text', text };
  }
  const toolUse = obj(block.toolUse);
  if (toolUse !== undefined) {
    const input = toolUse.input;
    return {
      type: 'tool-call',
      id: str(toolUse.toolUseId) ?? '',
      name: str(toolUse.name) ?? '',
      arguments: typeof input === 'string' ? input : JSON.stringify(input ?? {}),
    };
  }
  const toolResult = obj(block.toolResult);
  if (toolResult !== undefined) {
    const parts: Array<TextPart | ImagePart | FilePart> = [];
    for (const inner of Array.isArray(toolResult.content) ? toolResult.content : []) {
      if (!isRecord(inner)) continue;
      if (inner.json !== undefined) parts.push({ type: 'text', text: JSON.stringify(inner.json) });
      else {
        const read = readBlock(inner, `${where}.toolResult`, warnings);
        if (read?.type === 'text' || read?.type === 'image' || read?.type === 'file') parts.push(read);
      }
    }
    const onlyText = parts.length === 1 && parts[0]!.type === 'text';
    const part: ToolResultPart = {
      type: 'tool-result',
      toolCallId: str(toolResult.toolUseId) ?? '',
      content: onlyText ? (parts[0] as TextPart).text : parts,
    };
    if (toolResult.status === 'error') part.isError = true;
    return part;
  }
  const reasoning = obj(block.reasoningContent);
  if (reasoning !== undefined) {
    const redacted = str(reasoning.redactedContent);
    if (redacted !== undefined) return { type: 'reasoning', text: '', redactedData: redacted, origin: 'anthropic' };
    const text = obj(reasoning.reasoningText);
    const part: ReasoningPart = { type: 'reasoning', text: str(text?.text) ?? '', origin: 'anthropic' };
    const signature = str(text?.signature);
    if (signature !== undefined) part.signature = signature;
    return part;
  }
  warnings.push({
    code: 'dropped-content',
    message: `A ${Object.keys(block)[0] ?? 'empty'} block in ${where} has no counterpart and was dropped`,
  });
  return undefined;
}

/**
 * Converse content blocks → canonical parts. A `cachePoint` becomes Anthropic's `cache_control` on the
 * part before it, so a Claude upstream reached through Anthropic Messages caches at the same place.
 */
export function readBlocks(blocks: unknown, where: string, warnings: TranslationWarning[]): ReadPart[] {
  const out: ReadPart[] = [];
  for (const block of Array.isArray(blocks) ? blocks : []) {
    if (!isRecord(block)) continue;
    if (block.cachePoint !== undefined) {
      const last = out[out.length - 1];
      if (last !== undefined) last.providerMetadata = withCachePoint(last.providerMetadata);
      continue;
    }
    const part = readBlock(block, where, warnings);
    if (part !== undefined) out.push(part);
  }
  return out;
}

/** The assistant content among parts read from an answer (text, reasoning, tool calls). */
export function assistantParts(parts: ReadPart[]): AssistantContent[] {
  return parts.filter(
    (p): p is AssistantContent => p.type === 'text' || p.type === 'reasoning' || p.type === 'tool-call',
  );
}
