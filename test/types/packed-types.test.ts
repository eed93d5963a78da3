// Compiles the guide's samples (test/types/samples/) and examples/ against the packed package, as a
// strict consumer would: `npm pack`, the tarball unpacked into a scratch project's node_modules (its
// dependencies linked from ours, so nothing is downloaded), then tsc with the flags of
// test/types/tsconfig.json: strict, exactOptionalPropertyTypes, skipLibCheck off. Needs the
// build (`npm test` builds first).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

describe('the packed declaration files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-types-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('type-check the samples and examples under exactOptionalPropertyTypes and skipLibCheck: false', {
    timeout: 120_000,
  }, () => {
    if (!existsSync(join(ROOT, 'dist/index.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first');
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as Array<{ filename: string }>;
    const project = join(dir, 'consumer');
    const installed = join(project, 'node_modules', 'switchyard');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, packed[0]!.filename), '-C', installed, '--strip-components=1']);
    for (const name of readdirSync(join(ROOT, 'node_modules'))) {
      if (name.startsWith('.') || name === 'switchyard') continue;
      symlinkSync(join(ROOT, 'node_modules', name), join(project, 'node_modules', name), 'dir');
    }
    cpSync(join(ROOT, 'test/types/samples'), join(project, 'samples'), { recursive: true });
    cpSync(join(ROOT, 'examples'), join(project, 'examples'), { recursive: true });
    cpSync(join(ROOT, 'test/types/tsconfig.json'), join(project, 'tsconfig.json'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));

    const tsc = spawnSync(process.execPath, [TSC, '-p', project], { encoding: 'utf8' });
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
    expect(tsc.status).toBe(0);
  });
});
