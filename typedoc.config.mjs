import { entries } from './scripts/entrypoints.mjs';

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  entryPoints: entries().map((e) => e.source),
  out: 'docs/api',
  tsconfig: 'tsconfig.json',
  excludePrivate: true,
  excludeInternal: true,
  treatWarningsAsErrors: true,
  readme: 'none',
  name: 'switchyard',
  // No git remote in every checkout (CI clones); source links would be broken.
  disableSources: true,
};
