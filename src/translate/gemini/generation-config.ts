import type { CanonicalRequest, ReasoningConfig, ReasoningEffort, TranslationWarning } from '../canonical.js';
import { compact, invalid, isRecord, type JsonObject, num, obj, str } from '../json.js';
import { budgetToEffort, effortToBudget } from '../reasoning.js';
import { schemaFromCanonical, schemaToCanonical } from './clean-schema.js';
import { camel, get } from './fields.js';
import type { GeminiThinkingLevel } from './wire-types.js';

/** `generationConfig` fields read into canonical fields; the rest are kept in `providerMetadata.gemini.generationConfig`. */
const GENERATION = new Set([
  'temperature',
  'topP',
  'topK',
  'maxOutputTokens',
  'stopSequences',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'thinkingConfig',
]);
const NUMERIC = [
  'temperature',
  'topP',
  'topK',
  'maxOutputTokens',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
] as const;
const LEVELS = new Set<string>(['minimal', 'low', 'medium', 'high'] satisfies GeminiThinkingLevel[]);

/**
 * Gemini `generationConfig` → the canonical request's sampling settings, response format and reasoning
 * (`thinkingConfig`: budget or level, through the shared effort table). Fields without a canonical
 * counterpart are kept in `meta.generationConfig`.
 *
 * @see https://ai.google.dev/api/generate-content#generationconfig
 */
export function generationConfigToCanonical(
  body: JsonObject,
  request: CanonicalRequest,
  meta: JsonObject,
  warnings: TranslationWarning[],
): void {
  const raw = get(body, 'generationConfig');
  if (raw === undefined) return;
  if (!isRecord(raw)) invalid('generationConfig', 'must be an object');
  const config: JsonObject = {};
  const extra: JsonObject = {};
  for (const key in raw) {
    const name = camel(key);
    if (GENERATION.has(name)) config[name] = raw[key];
    else extra[key] = raw[key];
  }
  for (const key of NUMERIC) {
    const value = config[key];
    if (value === undefined || value === null) continue;
    const n = num(value);
    if (n === undefined) invalid(`generationConfig.${key}`, 'must be a number');
    request[key] = n;
  }
  const stops = config.stopSequences;
  if (stops !== undefined) {
    if (!Array.isArray(stops) || !stops.every((s) => typeof s === 'string'))
      invalid('generationConfig.stopSequences', 'must be an array of strings');
    request.stopSequences = stops;
  }
  const candidates = num(extra.candidateCount ?? extra.candidate_count);
  if (candidates !== undefined && candidates > 1) {
    warnings.push({
      code: 'unsupported-setting',
      message: 'candidateCount > 1: only the first candidate is translated.',
    });
  }

  const mime = config.responseMimeType;
  if (mime === 'application/json') {
    const jsonSchema = config.responseJsonSchema;
    const schema = config.responseSchema;
    if (isRecord(jsonSchema)) {
      request.responseFormat = { type: 'json', schema: jsonSchema };
      meta.responseJsonSchema = true;
    } else if (isRecord(schema)) request.responseFormat = { type: 'json', schema: schemaToCanonical(schema) };
    else request.responseFormat = { type: 'json' };
  } else if (mime === 'text/plain') request.responseFormat = { type: 'text' };
  else {
    // text/x.enum and other types: Gemini only.
    for (const key of ['responseMimeType', 'responseSchema', 'responseJsonSchema']) {
      if (config[key] !== undefined) extra[key] = config[key];
    }
    if (mime !== undefined)
      warnings.push({
        code: 'unsupported-setting',
        message: `responseMimeType '${String(mime)}' has no canonical form.`,
      });
  }

  const thinking = config.thinkingConfig;
  if (thinking !== undefined) {
    if (!isRecord(thinking)) invalid('generationConfig.thinkingConfig', 'must be an object');
    const reasoning = thinkingToCanonical(thinking, meta);
    if (reasoning) request.reasoning = reasoning;
  }
  if (Object.keys(extra).length > 0) meta.generationConfig = extra;
}

function thinkingToCanonical(thinking: JsonObject, meta: JsonObject): ReasoningConfig | undefined {
  const budgetRaw = get(thinking, 'thinkingBudget');
  const budget = num(budgetRaw);
  if (budgetRaw !== undefined && budget === undefined)
    invalid('generationConfig.thinkingConfig.thinkingBudget', 'must be a number');
  const levelRaw = get(thinking, 'thinkingLevel');
  const level = str(levelRaw)?.toLowerCase();
  if (levelRaw !== undefined && (level === undefined || !LEVELS.has(level))) {
    invalid('generationConfig.thinkingConfig.thinkingLevel', "must be 'minimal', 'low', 'medium' or 'high'");
  }
  const include = get(thinking, 'includeThoughts');
  if (budget === undefined && level === undefined && typeof include !== 'boolean') return undefined;
  const reasoning: ReasoningConfig = { enabled: true };
  const flags: JsonObject = {};
  if (budget !== undefined) {
    reasoning.effort = budgetToEffort(budget);
    if (budget === 0) reasoning.enabled = false;
    if (budget < 0) flags.dynamic = true;
    else reasoning.budgetTokens = budget;
  }
  if (level !== undefined) {
    reasoning.effort = level as ReasoningEffort;
    flags.level = true;
  }
  if (typeof include === 'boolean') reasoning.includeThoughts = include;
  if (Object.keys(flags).length > 0) meta.thinking = flags;
  return reasoning;
}

/**
 * The Gemini `generationConfig` for a canonical request: the kept Gemini-only fields, sampling settings,
 * response format (`responseSchema` reduced to Gemini's subset, or `responseJsonSchema` as it came) and
 * `thinkingConfig` (a budget, which every thinking model takes; a level only when the caller gave one).
 */
export function generationConfigFromCanonical(
  request: CanonicalRequest,
  meta: JsonObject,
  warnings: TranslationWarning[],
): JsonObject {
  const config: JsonObject = { ...(obj(meta.generationConfig) ?? {}) };
  Object.assign(
    config,
    compact({
      temperature: request.temperature,
      topP: request.topP,
      topK: request.topK,
      maxOutputTokens: request.maxOutputTokens,
      stopSequences: request.stopSequences,
      seed: request.seed,
      presencePenalty: request.presencePenalty,
      frequencyPenalty: request.frequencyPenalty,
    }),
  );
  const format = request.responseFormat;
  if (format?.type === 'text') config.responseMimeType = 'text/plain';
  else if (format?.type === 'json') {
    config.responseMimeType = 'application/json';
    if (format.schema && meta.responseJsonSchema === true) config.responseJsonSchema = format.schema;
    else if (format.schema) {
      const dropped = new Set<string>();
      config.responseSchema = schemaFromCanonical(format.schema, dropped);
      if (dropped.size > 0) {
        warnings.push({
          code: 'schema-reduced',
          message: `Response schema: ${[...dropped].join(', ')} not supported by Gemini, dropped.`,
        });
      }
    }
  }
  const reasoning = request.reasoning;
  if (reasoning) {
    const flags = obj(meta.thinking) ?? {};
    const thinking: JsonObject = {};
    if (!reasoning.enabled) thinking.thinkingBudget = 0;
    else if (flags.dynamic === true) thinking.thinkingBudget = -1;
    else if (flags.level === true && reasoning.effort !== undefined && LEVELS.has(reasoning.effort))
      thinking.thinkingLevel = reasoning.effort;
    else if (reasoning.budgetTokens !== undefined) thinking.thinkingBudget = reasoning.budgetTokens;
    // A budget works on every thinking model (Gemini 3 maps it to a level); thinkingLevel does not.
    else if (reasoning.effort !== undefined) thinking.thinkingBudget = effortToBudget(reasoning.effort);
    if (reasoning.includeThoughts !== undefined) thinking.includeThoughts = reasoning.includeThoughts;
    if (Object.keys(thinking).length > 0) config.thinkingConfig = thinking;
  }
  return config;
}
