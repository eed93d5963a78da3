// Imports every public subpath by the package's own name, as ESM and as CJS, after the build.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync(new URL('../entrypoints.json', import.meta.url), 'utf8')) as {
  entries: Record<string, string>;
};
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  exports: Record<string, unknown>;
};
const require = createRequire(import.meta.url);

describe('public entry points', () => {
  const keys = Object.keys(manifest.entries);

  it('package.json exports are derived from entrypoints.json', () => {
    expect(Object.keys(pkg.exports).filter((k) => k !== './package.json')).toEqual(keys);
  });

  for (const key of keys) {
    const specifier = key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`;
    it(`${specifier} loads as ESM and CJS with the same names`, async () => {
      const esm = (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>;
      const cjs = require(specifier) as Record<string, unknown>;
      const esmNames = Object.keys(esm).filter((n) => n !== 'default' && n !== 'module.exports');
      expect(esmNames.length).toBeGreaterThan(0);
      expect(Object.keys(cjs).sort()).toEqual(esmNames.sort());
    });
  }
});
