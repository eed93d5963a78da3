import { describe, expect, it } from 'vitest';
import { newRequestId } from './request-id.js';

describe('newRequestId', () => {
  it('is req_ and 32 hex digits, different every time', () => {
    const ids = new Set(Array.from({ length: 1_000 }, () => newRequestId()));
    expect(ids.size).toBe(1_000);
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{32}$/);
  });
});
