/** A model the handler lists: its client-facing id and the providers serving it. */
export interface ListedModel {
  id: string;
  providers: string[];
  /**
   * When the upstream says the model was created, epoch seconds (an executor's `ModelInfo.created`).
   * Absent for config-listed models and aliases, which are listed with the gateway's start time.
   */
  created?: number;
}

/** The model's own creation time when it has a usable one, else `fallback` (epoch seconds). */
function createdOf(model: ListedModel, fallback: number): number {
  const { created } = model;
  return typeof created === 'number' && Number.isFinite(created) && created >= 0 ? Math.floor(created) : fallback;
}

const GEMINI_METHODS = ['generateContent', 'streamGenerateContent', 'countTokens'];

/**
 * OpenAI's model list (`GET /v1/models`). `created` (epoch seconds) is the upstream's own date where
 * the model has one, else `created`, the gateway's start time.
 * @see https://platform.openai.com/docs/api-reference/models/list
 */
export function openaiModelList(models: readonly ListedModel[], created: number): Record<string, unknown> {
  return { object: 'list', data: models.map((m) => openaiModel(m, created)) };
}

export function openaiModel(model: ListedModel, created: number): Record<string, unknown> {
  return {
    id: model.id,
    object: 'model',
    created: createdOf(model, created),
    owned_by: model.providers[0] ?? 'switchyard',
  };
}

/**
 * Anthropic's model list (`GET /v1/models` with `anthropic-version`), one page holding everything.
 * `created_at` (RFC 3339) is the upstream's own date where the model has one, else `created`, the
 * gateway's start time in epoch seconds.
 * @see https://docs.anthropic.com/en/api/models-list
 */
export function anthropicModelList(models: readonly ListedModel[], created: number): Record<string, unknown> {
  return {
    data: models.map((m) => anthropicModel(m, created)),
    has_more: false,
    first_id: models[0]?.id ?? null,
    last_id: models.at(-1)?.id ?? null,
  };
}

export function anthropicModel(model: ListedModel, created: number): Record<string, unknown> {
  return { type: 'model', id: model.id, display_name: model.id, created_at: rfc3339(createdOf(model, created)) };
}

/** `2025-09-29T00:00:00Z`, as Anthropic writes it (whole seconds, no fraction). */
function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Gemini's model list (`GET /v1beta/models`), one page holding everything.
 * @see https://ai.google.dev/api/models#method:-models.list
 */
export function geminiModelList(models: readonly ListedModel[]): Record<string, unknown> {
  return { models: models.map(geminiModel) };
}

export function geminiModel(model: ListedModel): Record<string, unknown> {
  return { name: `models/${model.id}`, displayName: model.id, supportedGenerationMethods: GEMINI_METHODS };
}
