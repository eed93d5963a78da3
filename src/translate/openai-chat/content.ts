import type { FilePart, ImagePart, TextPart, TranslationWarning, UserContent } from '../canonical.js';
import { invalid, isRecord, obj, str } from '../json.js';
import { parseDataUrl, sourceToUrl, urlToSource } from '../media.js';

/** Chat `input_audio.format` ↔ media type: `mp3` is `audio/mpeg`, the rest are `audio/<format>`. */
function audioMediaType(format: string): string {
  return format === 'mp3' ? 'audio/mpeg' : `audio/${format}`;
}

function audioFormat(mediaType: string): string | undefined {
  if (!mediaType.startsWith('audio/')) return undefined;
  const sub = mediaType.slice(6);
  return sub === 'mpeg' ? 'mp3' : sub;
}

function text(value: unknown, field: string): string {
  const out = str(value);
  if (out === undefined) invalid(field, 'must be a string');
  return out;
}

/** One text part (`{type:'text', text}`), for content that may only hold text. */
function textPart(part: unknown, field: string): TextPart {
  if (!isRecord(part) || (part.type !== 'text' && part.type !== undefined)) invalid(field, "must be a 'text' part");
  return { type: 'text', text: text(part.text, `${field}.text`) };
}

/** Text-only content (system, developer, tool): a string or an array of text parts. */
export function textContentToCanonical(content: unknown, field: string): TextPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) invalid(field, 'must be a string or an array of content parts');
  return content.map((part, i) => textPart(part, `${field}[${i}]`));
}

/**
 * User content: a string, or `text`, `image_url` (a `data:` URL becomes base64), `input_audio` and `file`
 * parts (both become canonical file parts).
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 */
export function userContentToCanonical(content: unknown, field: string): UserContent[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) invalid(field, 'must be a string or an array of content parts');
  const out: UserContent[] = [];
  for (let i = 0; i < content.length; i++) out.push(userPartToCanonical(content[i], `${field}[${i}]`));
  return out;
}

function userPartToCanonical(part: unknown, field: string): UserContent {
  if (!isRecord(part)) invalid(field, 'must be an object');
  switch (part.type) {
    case 'text':
      return { type: 'text', text: text(part.text, `${field}.text`) };
    case 'image_url': {
      // Older clients send `image_url` as a bare string.
      const image = typeof part.image_url === 'string' ? { url: part.image_url } : obj(part.image_url);
      const url = text(image?.url, `${field}.image_url.url`);
      const out: ImagePart = { type: 'image', source: urlToSource(url) };
      const detail = str(image?.detail);
      if (detail !== undefined) out.detail = detail;
      return out;
    }
    case 'input_audio': {
      const audio = obj(part.input_audio);
      const data = text(audio?.data, `${field}.input_audio.data`);
      const format = text(audio?.format, `${field}.input_audio.format`);
      const mediaType = audioMediaType(format);
      return { type: 'file', source: { type: 'base64', mediaType, data }, mediaType };
    }
    case 'file': {
      const file = obj(part.file);
      if (!file) invalid(`${field}.file`, 'must be an object');
      const fileId = str(file.file_id);
      const fileData = str(file.file_data);
      let out: FilePart;
      if (fileData !== undefined) {
        // `file_data` is documented as base64; clients send it both as a data: URL and bare.
        const inline = parseDataUrl(fileData);
        const mediaType = inline?.mediaType ?? 'application/pdf';
        out = { type: 'file', source: { type: 'base64', mediaType, data: inline?.data ?? fileData }, mediaType };
      } else if (fileId !== undefined) {
        out = { type: 'file', source: { type: 'file-id', fileId } };
      } else {
        invalid(`${field}.file`, "needs 'file_data' or 'file_id'");
      }
      const filename = str(file.filename);
      if (filename !== undefined) out.filename = filename;
      return out;
    }
    default:
      invalid(`${field}.type`, `'${String(part.type)}' is not a supported content part type`);
  }
}

/**
 * A canonical user part as a Chat content part; undefined (with a warning) when Chat cannot carry it
 * (a file by http URL: Chat's `file` part takes only inline data or a file id).
 */
export function userPartFromCanonical(
  part: UserContent,
  warnings: TranslationWarning[],
): Record<string, unknown> | undefined {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image': {
      const image: Record<string, unknown> = { url: sourceToUrl(part.source) };
      if (part.detail !== undefined) image.detail = part.detail;
      return { type: 'image_url', image_url: image };
    }
    case 'file': {
      const source = part.source;
      if (source.type === 'file-id') return { type: 'file', file: fileObject({ file_id: source.fileId }, part) };
      const mediaType = source.type === 'base64' ? source.mediaType : (part.mediaType ?? '');
      const format = audioFormat(mediaType);
      if (source.type === 'base64' && format !== undefined) {
        return { type: 'input_audio', input_audio: { data: source.data, format } };
      }
      if (source.type === 'base64' || source.url.startsWith('data:')) {
        return { type: 'file', file: fileObject({ file_data: sourceToUrl(source) }, part) };
      }
      warnings.push({
        code: 'dropped-content',
        message: 'OpenAI Chat file parts take inline data or a file id, not a URL; a file given by URL was dropped',
      });
      return undefined;
    }
  }
}

function fileObject(file: Record<string, unknown>, part: FilePart): Record<string, unknown> {
  if (part.filename !== undefined) file.filename = part.filename;
  return file;
}
