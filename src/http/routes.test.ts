import { describe, expect, it } from 'vitest';
import { matchRoute } from './routes.js';

describe('embedding routes', () => {
  it('serves OpenAI embeddings on POST /v1/embeddings in the openai-chat dialect', () => {
    expect(matchRoute('POST', '/v1/embeddings')).toEqual({
      route: { type: 'execute', dialect: 'openai-chat', operation: 'embed' },
      template: '/v1/embeddings',
    });
    expect(matchRoute('GET', '/v1/embeddings')).toEqual({ allow: 'POST' });
  });

  it("serves Gemini's :embedContent and :batchEmbedContents on v1beta and v1, the model from the path", () => {
    expect(matchRoute('POST', '/v1beta/models/gemini-embedding-001:embedContent')).toEqual({
      route: {
        type: 'execute',
        dialect: 'gemini',
        model: 'gemini-embedding-001',
        operation: 'embed',
        stream: false,
        embed: 'single',
      },
      template: '/v1beta/models/{model}:embedContent',
    });
    const batch = matchRoute('POST', '/v1/models/text-embedding-004:batchEmbedContents');
    expect(batch).toMatchObject({
      route: { dialect: 'gemini', model: 'text-embedding-004', operation: 'embed', embed: 'batch' },
      template: '/v1/models/{model}:batchEmbedContents',
    });
    expect(matchRoute('GET', '/v1beta/models/x:batchEmbedContents')).toEqual({ allow: 'POST' });
  });
});
