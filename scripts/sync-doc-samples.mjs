// Copies the code samples of the documentation from the files that compile them, so a sample in the
// docs is always code that type-checks (test/types/ compiles those files against the packed package).
//
// A sample is a ```ts block right after a `<!-- sample: <file>#<region> -->` line. Its text is the part
// of <file> between `// #region <region>` and `// #endregion <region>`, dedented, without the lines
// ending in `// @hide` (setup the reader does not need to see).
//
// `node scripts/sync-doc-samples.mjs` rewrites the blocks; `--check` exits non-zero instead when one
// differs, names a missing file or region, or when a guide listed in FULLY_SAMPLED has a ts block
// without a marker.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const DOCS = [
  'README.md',
  ...readdirSync(new URL('docs/', root))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
/** Every ts block of these must be a sample. */
const FULLY_SAMPLED = new Set(['README.md', 'docs/embedding.md']);
const MARKER = /^<!-- sample: (\S+)#([\w-]+) -->$/;

const check = process.argv.includes('--check');
const problems = [];

function region(file, name) {
  let text;
  try {
    text = readFileSync(new URL(file, root), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === `// #endregion ${name}`);
  if (start === -1 || end === -1) return undefined;
  const body = lines.slice(start + 1, end).filter((l) => !/\/\/ @hide\s*$/.test(l));
  while (body.length > 0 && body[0].trim() === '') body.shift();
  while (body.length > 0 && body.at(-1).trim() === '') body.pop();
  const indent = Math.min(...body.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return body.map((l) => l.slice(indent)).join('\n');
}

for (const doc of DOCS) {
  const path = new URL(doc, root);
  const lines = readFileSync(path, 'utf8').split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const marker = MARKER.exec(line);
    if (/^```(ts|typescript)\s*$/.test(line) && !MARKER.test(lines[i - 1] ?? '') && FULLY_SAMPLED.has(doc)) {
      problems.push(`${doc}:${i + 1}: a ts block without a <!-- sample: file#region --> line before it`);
    }
    out.push(line);
    if (!marker) continue;
    const [, file, name] = marker;
    const fence = lines[i + 1] ?? '';
    const close = lines.findIndex((l, j) => j > i + 1 && l.startsWith('```'));
    if (!/^```(ts|typescript)\s*$/.test(fence) || close === -1) {
      problems.push(`${doc}:${i + 1}: a sample marker must be followed by a ts block`);
      continue;
    }
    const text = region(file, name);
    if (text === undefined) {
      problems.push(`${doc}:${i + 1}: no region '${name}' in ${file}`);
      continue;
    }
    const current = lines.slice(i + 2, close).join('\n');
    if (current !== text) {
      if (check) problems.push(`${doc}:${i + 1}: the block differs from ${file}#${name}`);
    }
    out.push(fence, ...text.split('\n'), lines[close]);
    i = close;
  }
  const next = out.join('\n');
  if (!check && next !== lines.join('\n')) {
    writeFileSync(path, next);
    console.log(`${doc}: samples updated`);
  }
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  if (check) console.error('Run `node scripts/sync-doc-samples.mjs` to copy the samples into the docs.');
  process.exit(1);
}
