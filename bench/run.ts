// `npm run bench`: runs every benchmark and prints a table; results go to bench/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { benchSelectors } from './selectors.bench.js';

const selectors = await benchSelectors();
console.log(
  `\nSelectors: 1,000,000 picks among 10,000 credentials (ratio to a first-candidate baseline in the same run)`,
);
console.table(
  selectors.map((r) => ({
    selector: r.name,
    'picks/s': r.picksPerSecond.toLocaleString('en'),
    ratio: r.ratio.toFixed(2),
  })),
);

const results = {
  date: new Date().toISOString(),
  node: process.version,
  machine: `${platform()} ${arch()}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
  selectors,
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
