/** A model the handler lists: its client-facing id and the providers serving it. */
export interface ListedModel {
  id: string;
  providers: string[];
}

const GEMINI_METHODS = ['generateContent', 'streamGenerateContent', 'countTokens'];

/**
 * OpenAI's model list (`GET /v1/models`).
 * @see https://platform.openai.com/docs/api-reference/models/list
 */
export function openaiModelList(models: readonly ListedModel[], created: number): Record<string, unknown> {
  return { object: 'list', data: models.map((m) => openaiModel(m, created)) };
}

export function openaiModel(model: ListedModel, created: number): Record<string, unknown> {
  return { id: model.id, object: 'model', created, owned_by: model.providers[0] ?? 'switchyard' };
}

/**
 * Anthropic's model list (`GET /v1/models` with `anthropic-version`), one page holding everything.
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
  return { type: 'model', id: model.id, display_name: model.id, created_at: new Date(created * 1000).toISOString() };
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
