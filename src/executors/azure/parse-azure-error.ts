import type { ErrorClassification, UpstreamFailure } from '../../core/upstream-failure.js';
import { isRecord, obj, str } from '../../translate/json.js';
import { parseOpenAIError } from '../../translate/openai-chat/errors.js';

/**
 * How Azure OpenAI's errors read. The body is OpenAI's `{ error: { message, code } }`, often without a
 * `type`, and two codes say more than the status:
 * - `content_filter` (400, `innererror.code: ResponsibleAIPolicyViolation`): the prompt was blocked
 *   by the content filter. The caller's request is at fault: no retry, no cooldown; the message names
 *   the categories that were filtered.
 * - `DeploymentNotFound` (404): this resource has no such deployment, a model missing on this
 *   credential (another credential may have it), not a wrong path.
 *
 * Everything else reads as OpenAI's errors do (429 → rate limit, 401 → unauthorized, ...); the wait
 * comes from `retry-after-ms`, then `retry-after`, through the executor's generic rules.
 *
 * @see https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-filter
 * @example
 * ```ts
 * parseAzureError({ status: 404, headers: {}, json: { error: { code: 'DeploymentNotFound', message: 'gone' } }, text: '', now: 0 });
 * // { kind: 'not_found', message: 'gone' }
 * ```
 */
export function parseAzureError(failure: UpstreamFailure): ErrorClassification {
  const error = isRecord(failure.json) ? (obj(failure.json.error) ?? failure.json) : undefined;
  const code = str(error?.code);
  const message = str(error?.message);
  const inner = obj(error?.innererror);
  if (code === 'content_filter' || str(inner?.code) === 'ResponsibleAIPolicyViolation') {
    const filtered = filteredCategories(obj(inner?.content_filter_result));
    const what = filtered.length > 0 ? ` (${filtered.join(', ')})` : '';
    return {
      kind: 'invalid_request',
      message: `Azure OpenAI's content filter blocked the request${what}: ${message ?? 'the prompt triggered the content management policy'}`,
    };
  }
  if (code === 'DeploymentNotFound') {
    return { kind: 'not_found', message: message ?? 'The deployment does not exist on this resource' };
  }
  return parseOpenAIError(failure);
}

/** `violence: medium` for every category marked `filtered: true`. */
function filteredCategories(results: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  for (const [category, value] of Object.entries(results ?? {})) {
    if (!isRecord(value) || value.filtered !== true) continue;
    const severity = str(value.severity);
    out.push(severity ? `${category}: ${severity}` : category);
  }
  return out;
}
