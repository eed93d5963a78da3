// Writes the exports and bin maps of package.json from entrypoints.json.
// `--check` exits non-zero instead of writing when they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { binMap, entries, exportsMap } from './entrypoints.mjs';

const path = new URL('../package.json', import.meta.url);
const pkg = JSON.parse(readFileSync(path, 'utf8'));
const want = { exports: exportsMap(), bin: binMap() };
const same =
  JSON.stringify(pkg.exports) === JSON.stringify(want.exports) && JSON.stringify(pkg.bin) === JSON.stringify(want.bin);
if (process.argv.includes('--check')) {
  if (!same) {
    console.error('package.json exports/bin are out of date: run `node scripts/sync-exports.mjs`');
    process.exit(1);
  }
} else if (!same) {
  pkg.exports = want.exports;
  pkg.bin = want.bin;
  writeFileSync(path, `${JSON.stringify(pkg, null, 2)}\n`);
  console.log('package.json exports/bin updated');
}

// tsconfig.json "paths": the package's own name resolves to the sources, so examples and tests that
// import `switchyard/...` type-check before anything is built.
const tsconfigPath = new URL('../tsconfig.json', import.meta.url);
const tsconfig = JSON.parse(readFileSync(tsconfigPath, 'utf8'));
const paths = Object.fromEntries(
  entries().map(({ key, source }) => [key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`, [`./${source}`]]),
);
const samePaths = JSON.stringify(tsconfig.compilerOptions.paths) === JSON.stringify(paths);
if (process.argv.includes('--check')) {
  if (!samePaths) {
    console.error('tsconfig.json paths are out of date: run `node scripts/sync-exports.mjs`');
    process.exit(1);
  }
} else if (!samePaths) {
  tsconfig.compilerOptions.paths = paths;
  writeFileSync(tsconfigPath, `${JSON.stringify(tsconfig, null, 2)}\n`);
  console.log('tsconfig.json paths updated');
}
