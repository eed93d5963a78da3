// The code samples of README.md and docs/ are copies of compiled files (see scripts/sync-doc-samples.mjs).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

describe('documentation samples', () => {
  it('match the files that compile them', () => {
    const check = spawnSync(process.execPath, ['scripts/sync-doc-samples.mjs', '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
