// Packs the package and checks the tarball with publint and @arethetypeswrong/cli:
// every subpath must resolve for ESM, CJS and types.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-pack-'));
const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
try {
  const out = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir]));
  const tarball = join(dir, out[0].filename);
  console.log(`packed ${out[0].filename} (${out[0].size} bytes, ${out[0].entryCount} files)`);
  execFileSync('npx', ['publint', '--strict', tarball], { stdio: 'inherit' });
  // node10 resolution has no subpath exports; every modern resolver must work.
  execFileSync('npx', ['attw', tarball, '--profile', 'node16'], { stdio: 'inherit' });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
