import { z } from 'zod';
import type { Operation } from '../executors/types.js';
import type { Dialect } from '../translate/dialect.js';
import { isRecord } from '../translate/json.js';
import { HttpError } from './error-response.js';

// Only what the handler and the Manager must have; everything else is the translator's business and
// passes through untouched (`.loose()`).
const chat = z.object({ model: z.string().min(1), messages: z.array(z.unknown()) }).loose();
const responses = z.object({ model: z.string().min(1) }).loose();
const messages = z.object({ model: z.string().min(1), max_tokens: z.number(), messages: z.array(z.unknown()) }).loose();
const countTokens = z.object({ model: z.string().min(1), messages: z.array(z.unknown()) }).loose();
const gemini = z.object({ contents: z.array(z.unknown()) }).loose();
// Embeddings: the rest (input forms, dimensions, encoding) is checked by the embedding decoder, naming the field.
const openaiEmbeddings = z.object({ model: z.string().min(1) }).loose();
const geminiEmbedContent = z
  .object({
    content: z.object({ parts: z.array(z.unknown()) }).loose(),
    requests: z.undefined({ error: 'belongs to batchEmbedContents; embedContent takes one content' }).optional(),
  })
  .loose();
const geminiBatchEmbed = z.object({ requests: z.array(z.unknown()) }).loose();

function schemaFor(dialect: Dialect, operation: Operation, embed: 'single' | 'batch' | undefined): z.ZodType {
  if (operation === 'embed') {
    if (dialect === 'gemini') return embed === 'single' ? geminiEmbedContent : geminiBatchEmbed;
    return openaiEmbeddings;
  }
  switch (dialect) {
    case 'openai-chat':
      return chat;
    case 'openai-responses':
      return responses;
    case 'anthropic-messages':
      return operation === 'count_tokens' ? countTokens : messages;
    case 'gemini':
      return gemini;
  }
}

/**
 * Checks a parsed body against the route's minimal schema.
 *
 * @throws {HttpError} 400 naming the first field at fault.
 */
export function validateBody(
  dialect: Dialect,
  operation: Operation,
  body: unknown,
  embed?: 'single' | 'batch',
): Record<string, unknown> {
  if (!isRecord(body)) {
    throw new HttpError(400, 'invalid_request', 'The request body must be a JSON object');
  }
  const result = schemaFor(dialect, operation, embed).safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
    const reason = issue?.message ?? 'Invalid value';
    const message = param ? `Invalid request body: '${param}': ${reason}` : `Invalid request body: ${reason}`;
    throw new HttpError(400, 'invalid_request', message, param ? { param } : {});
  }
  // The original object, not zod's copy: the Manager must see the caller's body as sent.
  return body as Record<string, unknown>;
}
