import { describe, expect, it } from 'vitest';
import type { Credential } from '../core/credential.js';
import { ModelRouter, modelFamily } from './model-router.js';

const creds: Credential[] = [
  { id: 'a1', provider: 'anthropic', models: [{ name: 'claude-sonnet-4-5-20250929', alias: 'sonnet' }] },
  { id: 'a2', provider: 'anthropic', prefix: 'team-a' },
  { id: 'o1', provider: 'openai', excludedModels: ['gpt-4*', '*-preview'] },
  { id: 'g1', provider: 'gemini', models: [{ name: 'gemini-2.5-pro' }] },
  { id: 'off', provider: 'openai', disabled: true },
];

describe('ModelRouter', () => {
  const router = new ModelRouter();
  router.setCredentials(creds);

  it('maps an alias to the upstream name', () => {
    const route = router.resolve('sonnet')!;
    expect(route.candidates.map((c) => c.id)).toEqual(['a1']);
    expect(route.upstreamModel.get('a1')).toBe('claude-sonnet-4-5-20250929');
  });

  it('offers a model to listless credentials of its family only', () => {
    expect(router.resolve('claude-opus-4-1')!.candidates.map((c) => c.id)).toEqual(['a2']);
    expect(router.resolve('o3-mini')!.candidates.map((c) => c.id)).toEqual(['o1']);
    expect(modelFamily('gemini-2.5-flash')).toBe('gemini');
    expect(modelFamily('deepseek-chat')).toBeUndefined();
  });

  it('offers Gemini and Claude models, and nothing of OpenAI, to a listless Vertex AI credential', () => {
    const vertex = new ModelRouter();
    vertex.setCredentials([{ id: 'v1', provider: 'vertex' }]);
    expect(vertex.resolve('claude-sonnet-4-5@20250929')!.candidates.map((c) => c.id)).toEqual(['v1']);
    expect(vertex.resolve('gemini-2.5-pro')!.candidates.map((c) => c.id)).toEqual(['v1']);
    expect(vertex.resolve('gpt-4o')).toBeUndefined();
  });

  it('applies wildcard exclusions', () => {
    expect(router.resolve('gpt-4o')).toBeUndefined();
    expect(router.resolve('o4-mini-preview')).toBeUndefined();
    expect(router.resolve('gpt-5')!.candidates.map((c) => c.id)).toEqual(['o1']);
  });

  it('routes a prefix to the credentials that carry it', () => {
    const route = router.resolve('team-a/claude-sonnet-4-5')!;
    expect(route.candidates.map((c) => c.id)).toEqual(['a2']);
    expect(route.request).toEqual({ model: 'claude-sonnet-4-5', prefix: 'team-a' });
    expect(route.key).toBe('team-a/claude-sonnet-4-5');
  });

  it('keeps slashes that are not a known prefix in the model name', () => {
    expect(router.parse('meta-llama/llama-3.1-8b')).toEqual({ model: 'meta-llama/llama-3.1-8b' });
  });

  it('forces a provider with provider,model', () => {
    const route = router.resolve('gemini,gemini-2.5-pro')!;
    expect(route.candidates.map((c) => c.id)).toEqual(['g1']);
    expect(router.resolve('openai,gemini-2.5-pro')).toBeUndefined();
  });

  it('skips disabled credentials and unknown models', () => {
    expect(router.resolve('gpt-5')!.candidates.some((c) => c.id === 'off')).toBe(false);
    expect(router.resolve('gemini-1.0-ultra')).toBeUndefined();
  });

  it('forceModelPrefix keeps prefixed credentials out of unprefixed requests', () => {
    const strict = new ModelRouter({ forceModelPrefix: true });
    strict.setCredentials(creds);
    expect(strict.resolve('claude-opus-4-1')).toBeUndefined();
    expect(strict.resolve('team-a/claude-opus-4-1')!.candidates.map((c) => c.id)).toEqual(['a2']);
  });

  it('lists aliases and names', () => {
    const ids = router.listModels().map((m) => m.id);
    expect(ids).toContain('sonnet');
    expect(ids).toContain('gemini-2.5-pro');
    expect(ids).not.toContain('claude-sonnet-4-5-20250929');
  });
});
