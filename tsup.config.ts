import { defineConfig } from 'tsup';
// @ts-expect-error -- plain ESM helper without types
import { bins, entries } from './scripts/entrypoints.mjs';

type Entry = { source: string; out: string };

const libEntries = Object.fromEntries((entries() as Entry[]).map((e) => [e.out, e.source]));
const binEntries = Object.fromEntries((bins() as Entry[]).map((e) => [e.out, e.source]));

export default defineConfig([
  {
    entry: libEntries,
    format: ['esm', 'cjs'],
    // tsup's dts step sets the deprecated baseUrl option internally.
    dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: true,
    treeshake: true,
  },
  {
    entry: binEntries,
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
