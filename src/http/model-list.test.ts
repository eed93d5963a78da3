import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../executors/types.js';
import { anthropicModel, anthropicModelList, type ListedModel, openaiModel, openaiModelList } from './model-list.js';

/** The gateway's start time, epoch seconds. */
const STARTED = 1_800_000_000;
/** What an executor reported: Anthropic's `created_at: 2025-09-29T00:00:00Z`, as epoch seconds. */
const upstream: ModelInfo = { id: 'claude-sonnet-4-5', provider: 'anthropic', created: 1_759_104_000 };
/** As the Manager lists it: the upstream's date carried over. */
const fromUpstream: ListedModel = { id: upstream.id, providers: [upstream.provider], created: upstream.created! };
/** A config-listed model or an alias: no upstream date. */
const configured: ListedModel = { id: 'sonnet', providers: ['anthropic'] };

describe('model lists: created', () => {
  it("OpenAI `created` is the upstream's own value when it reported one", () => {
    expect(openaiModel(fromUpstream, STARTED)).toEqual({
      id: 'claude-sonnet-4-5',
      object: 'model',
      created: 1_759_104_000,
      owned_by: 'anthropic',
    });
  });

  it('OpenAI `created` is the start time for models with no upstream date', () => {
    expect(openaiModel(configured, STARTED).created).toBe(STARTED);
    expect(openaiModelList([fromUpstream, configured], STARTED).data).toEqual([
      expect.objectContaining({ id: 'claude-sonnet-4-5', created: 1_759_104_000 }),
      expect.objectContaining({ id: 'sonnet', created: STARTED }),
    ]);
  });

  it("Anthropic `created_at` is the upstream's date in RFC 3339, else the start time", () => {
    expect(anthropicModel(fromUpstream, STARTED).created_at).toBe('2025-09-29T00:00:00Z');
    expect(anthropicModel(configured, STARTED).created_at).toBe(
      new Date(STARTED * 1000).toISOString().replace('.000Z', 'Z'),
    );
    const list = anthropicModelList([fromUpstream, configured], STARTED);
    expect((list.data as Array<Record<string, unknown>>).map((m) => m.created_at)).toEqual([
      '2025-09-29T00:00:00Z',
      '2027-01-15T08:00:00Z',
    ]);
  });

  it('ignores a created value that is not a usable date', () => {
    for (const created of [Number.NaN, -5, Number.POSITIVE_INFINITY]) {
      const model: ListedModel = { id: 'x', providers: ['openai'], created };
      expect(openaiModel(model, STARTED).created).toBe(STARTED);
      expect(anthropicModel(model, STARTED).created_at).toBe('2027-01-15T08:00:00Z');
    }
  });
});
