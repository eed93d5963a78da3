// Writes the exports and bin maps of package.json from entrypoints.json.
// `--check` exits non-zero instead of writing when they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { binMap, exportsMap } from './entrypoints.mjs';

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
