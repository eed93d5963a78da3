import type { CanonicalResponse, Converted, TranslationWarning } from '../canonical.js';
import type { ResponseContext } from '../codec.js';
import { arr, type JsonObject, obj, str } from '../json.js';
import { assistantFromCanonical, assistantToCanonical } from './content.js';
import { finishReasonFromCanonical, finishReasonToCanonical } from './finish-reason.js';
import { restoreFunctionName } from './function-names.js';
import { KEY, ours } from './metadata.js';
import { responseCallId } from './tool-call-ids.js';
import { usageFromCanonical, usageToCanonical } from './usage.js';

const CANDIDATE_READ = new Set(['content', 'finishReason', 'index']);
const TOP_READ = new Set(['candidates', 'usageMetadata', 'modelVersion', 'responseId', 'createTime']);

/**
 * A Gemini `GenerateContentResponse` → canonical response. Only `candidates[0]` is read (a warning says
 * when there were more). A prompt blocked before generation (`promptFeedback.blockReason`, no
 * candidates) finishes with `content_filter`. Safety ratings, citations, grounding and the raw
 * `finishReason` / `usageMetadata` are kept in `providerMetadata.gemini`.
 * @see https://ai.google.dev/api/generate-content#generatecontentresponse
 */
export function responseToCanonical(body: JsonObject, context: ResponseContext = {}): Converted<CanonicalResponse> {
  const warnings: TranslationWarning[] = [];
  const candidates = arr(body.candidates);
  if (candidates.length > 1)
    warnings.push({ code: 'dropped-content', message: 'Only the first of several candidates is translated.' });
  const candidate = obj(candidates[0]);
  const responseId = str(body.responseId);
  const parts = arr(obj(candidate?.content)?.parts);
  const content = assistantToCanonical(
    parts,
    (_pi, k, name, args) => responseCallId(responseId, k, name, args),
    warnings,
  );
  if (context.toolNames) {
    // Gemini answers with the sanitised names; the caller knows its tools by their own names.
    for (const part of content)
      if (part.type === 'tool-call') part.name = restoreFunctionName(part.name, context.toolNames);
  }
  const hasToolCalls = content.some((c) => c.type === 'tool-call');
  const rawFinish = str(candidate?.finishReason);
  const blocked = str(obj(body.promptFeedback)?.blockReason);
  const finishReason = !candidate && blocked ? 'content_filter' : finishReasonToCanonical(rawFinish, hasToolCalls);

  const response: CanonicalResponse = {
    id: responseId ?? 'gemini-response',
    model: str(body.modelVersion) ?? '',
    content,
    finishReason,
  };
  const created = str(body.createTime);
  if (created !== undefined && !Number.isNaN(Date.parse(created)))
    response.created = Math.floor(Date.parse(created) / 1000);
  const usage = usageToCanonical(body.usageMetadata);
  if (usage) response.usage = usage;

  const meta: JsonObject = {};
  if (rawFinish !== undefined) meta.finishReason = rawFinish;
  if (body.usageMetadata !== undefined) meta.usageMetadata = body.usageMetadata;
  if (created !== undefined) meta.createTime = created;
  if (candidate) {
    const extra: JsonObject = {};
    for (const key in candidate) if (!CANDIDATE_READ.has(key)) extra[key] = candidate[key];
    if (Object.keys(extra).length > 0) meta.candidate = extra;
  }
  const extra: JsonObject = {};
  for (const key in body) if (!TOP_READ.has(key)) extra[key] = body[key];
  if (Object.keys(extra).length > 0) meta.extra = extra;
  if (Object.keys(meta).length > 0) response.providerMetadata = { [KEY]: meta };
  return { value: response, warnings };
}

/**
 * A canonical response → a Gemini `GenerateContentResponse` with one candidate. Reasoning from other
 * providers reaches the Gemini client as thought parts whose `thoughtSignature` is tagged with its
 * origin, so the next request sends it back to that provider.
 */
export function responseFromCanonical(response: CanonicalResponse): Converted<JsonObject> {
  const warnings: TranslationWarning[] = [];
  const meta = ours(response.providerMetadata);
  const parts = assistantFromCanonical(response.content, { warnings, mode: 'response', nameFor: (name) => name });
  const hasToolCalls = response.content.some((c) => c.type === 'tool-call');
  const raw = str(meta.finishReason);
  // The raw reason survives a same-dialect trip when it still means the same thing.
  const finishReason =
    raw !== undefined && finishReasonToCanonical(raw, hasToolCalls) === response.finishReason
      ? raw
      : finishReasonFromCanonical(response.finishReason);
  const candidate: JsonObject = {
    content: { role: 'model', parts },
    finishReason,
    index: 0,
    ...(obj(meta.candidate) ?? {}),
  };
  const body: JsonObject = { candidates: [candidate] };
  const usage = obj(meta.usageMetadata) ?? (response.usage ? usageFromCanonical(response.usage) : undefined);
  if (usage) body.usageMetadata = usage;
  body.modelVersion = response.model;
  body.responseId = response.id;
  const createTime =
    str(meta.createTime) ??
    (response.created !== undefined ? new Date(response.created * 1000).toISOString() : undefined);
  if (createTime !== undefined) body.createTime = createTime;
  const extra = obj(meta.extra);
  if (extra) for (const key in extra) body[key] = extra[key];
  return { value: body, warnings };
}
