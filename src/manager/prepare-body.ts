import type { Dialect } from '../translate/dialect.js';
import { translateRequest } from '../translate/index.js';
import type { Resolvers } from './response-memory.js';
import type { ExecuteInput } from './types.js';

interface BodyCache {
  input: ExecuteInput;
  stream: boolean;
  bodies: Map<string, { body: Record<string, unknown>; warnings: readonly string[] }>;
}

/**
 * The request body in the upstream's dialect with the upstream model name, translated once per
 * (dialect, provider) and reused across attempts.
 */
export function prepareBody(
  run: BodyCache,
  native: Dialect,
  provider: string,
  upstreamModel: string,
  foreignThinking: 'drop' | 'text',
  resolvers?: Resolvers,
): { body: Record<string, unknown>; warnings: readonly string[] } {
  const cacheKey = `${native}\u0000${provider}`;
  let translated = run.bodies.get(cacheKey);
  if (!translated) {
    // Same dialect: the body passes through as is, unless it replays another provider's thinking signature.
    const out = translateRequest({
      from: run.input.dialect,
      to: native,
      body: run.input.body,
      options: { targetProvider: provider, foreignThinking, ...resolvers },
    });
    translated = { body: out.value, warnings: out.warnings.map((w) => w.message) };
    run.bodies.set(cacheKey, translated);
  }
  if (native === 'gemini') return translated;
  const body: Record<string, unknown> = { ...translated.body, model: upstreamModel };
  if (run.stream) body.stream = true;
  else if (body.stream !== undefined) body.stream = false;
  return { body, warnings: translated.warnings };
}
