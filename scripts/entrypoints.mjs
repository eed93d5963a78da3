// Reads entrypoints.json and derives what each tool needs from it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'entrypoints.json'), 'utf8'));

/** Output path (without extension) under dist/ for an export key: '.' -> 'index', './translate' -> 'translate/index'. */
export function outName(key) {
  return key === '.' ? 'index' : `${key.slice(2)}/index`;
}

/** @returns {Array<{ key: string, source: string, out: string }>} */
export function entries() {
  return Object.entries(manifest.entries).map(([key, source]) => ({ key, source, out: outName(key) }));
}

/** @returns {Array<{ name: string, source: string, out: string }>} */
export function bins() {
  return Object.entries(manifest.bin ?? {}).map(([name, source]) => ({ name, source, out: `cli/${name}` }));
}

/** The package.json "exports" map for the entries. */
export function exportsMap() {
  const map = {};
  for (const { key, out } of entries()) {
    map[key] = {
      import: { types: `./dist/${out}.d.ts`, default: `./dist/${out}.js` },
      require: { types: `./dist/${out}.d.cts`, default: `./dist/${out}.cjs` },
    };
  }
  map['./package.json'] = './package.json';
  return map;
}

export function binMap() {
  return Object.fromEntries(bins().map(({ name, out }) => [name, `./dist/${out}.js`]));
}
