import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../core/errors.js';
import { FileTokenStore } from './file/file-token-store.js';
import { MemoryTokenStore } from './memory/memory-token-store.js';
import type { TokenStoreEvent } from './types.js';

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('MemoryTokenStore', () => {
  it('versions saves, refuses a stale one with ConflictError, and emits changes', async () => {
    const store = new MemoryTokenStore([{ id: 'a', provider: 'mock', apiKey: 'k1' }]);
    const events: TokenStoreEvent[] = [];
    store.watch((e) => events.push(e));
    const a = (await store.get('a'))!;
    expect(a.version).toBe(1);
    const saved = await store.save({ ...a, apiKey: 'k2' }, { expectedVersion: 1 });
    expect(saved.version).toBe(2);
    await expect(store.save({ ...a, apiKey: 'k3' }, { expectedVersion: 1 })).rejects.toBeInstanceOf(ConflictError);
    expect((await store.get('a'))!.apiKey).toBe('k2');
    await store.delete('a');
    expect(events.map((e) => e.type)).toEqual(['upsert', 'delete']);
  });

  it('hands out copies', async () => {
    const store = new MemoryTokenStore([{ id: 'a', provider: 'mock', headers: { x: '1' } }]);
    const a = (await store.get('a'))!;
    a.headers!.x = 'changed';
    expect((await store.get('a'))!.headers!.x).toBe('1');
  });
});

describe('FileTokenStore', () => {
  let dir: string;
  let store: FileTokenStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-auths-'));
    store = new FileTokenStore({ dir, debounceMs: 10 });
  });
  afterEach(async () => {
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes <dir>/<provider>/<id>.json with mode 0600 and reads it back', async () => {
    await store.save({ id: 'k1', provider: 'openai', apiKey: 'sk-1' });
    const path = join(dir, 'openai', 'k1.json');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ id: 'k1', apiKey: 'sk-1', version: 1 });
    const fresh = new FileTokenStore({ dir, watch: false });
    expect(await fresh.list()).toEqual([expect.objectContaining({ id: 'k1', provider: 'openai', version: 1 })]);
  });

  it('never lets a concurrent reader see a partial file', async () => {
    const big = 'x'.repeat(200_000);
    await store.save({ id: 'k1', provider: 'openai', apiKey: 'v0', metadata: { pad: big } });
    const path = join(dir, 'openai', 'k1.json');
    let reading = true;
    let reads = 0;
    let bad = 0;
    const reader = (async () => {
      while (reading) {
        const text = await readFile(path, 'utf8');
        reads += 1;
        try {
          JSON.parse(text);
        } catch {
          bad += 1;
        }
      }
    })();
    for (let i = 1; i <= 30; i++)
      await store.save({ id: 'k1', provider: 'openai', apiKey: `v${i}`, metadata: { pad: big } });
    reading = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(bad).toBe(0);
    expect((await readdir(join(dir, 'openai'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a stale save with ConflictError', async () => {
    const saved = await store.save({ id: 'k1', provider: 'openai', apiKey: 'a' });
    await store.save({ ...saved, apiKey: 'b' }, { expectedVersion: saved.version! });
    await expect(store.save({ ...saved, apiKey: 'c' }, { expectedVersion: saved.version! })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('picks up files added, edited and removed by hand', async () => {
    const events: TokenStoreEvent[] = [];
    store.watch((e) => events.push(e));
    await store.list();
    await mkdir(join(dir, 'anthropic'), { recursive: true });
    await writeFile(join(dir, 'anthropic', 'hand.json'), JSON.stringify({ apiKey: 'sk-ant-1' }));
    const added = await until(() => events.find((e) => e.type === 'upsert' && e.credential.id === 'hand'));
    expect(added).toMatchObject({ credential: { id: 'hand', provider: 'anthropic', apiKey: 'sk-ant-1' } });
    await writeFile(join(dir, 'anthropic', 'hand.json'), JSON.stringify({ apiKey: 'sk-ant-2' }));
    await until(() =>
      events.find((e) => e.type === 'upsert' && e.credential.id === 'hand' && e.credential.apiKey === 'sk-ant-2'),
    );
    await rm(join(dir, 'anthropic', 'hand.json'));
    await until(() => events.find((e) => e.type === 'delete' && e.id === 'hand'));
    expect(await store.get('hand')).toBeUndefined();
  });

  it('reports and skips a corrupt file, never deleting it', async () => {
    await mkdir(join(dir, 'openai'), { recursive: true });
    await writeFile(join(dir, 'openai', 'good.json'), JSON.stringify({ apiKey: 'sk-good' }));
    await writeFile(join(dir, 'openai', 'broken.json'), '{"apiKey": "sk-half');
    await writeFile(join(dir, 'openai', 'wrong.json'), JSON.stringify({ apiKey: 42 }));
    const events: TokenStoreEvent[] = [];
    store.watch((e) => events.push(e));
    const list = await store.list();
    expect(list.map((c) => c.id)).toEqual(['good']);
    const errors = events.filter((e) => e.type === 'error');
    expect(errors.map((e) => (e as { id: string }).id).sort()).toEqual(['broken', 'wrong']);
    expect(
      String((errors.find((e) => (e as { id: string }).id === 'wrong') as { error: Error }).error.message),
    ).toContain('apiKey');
    expect(await readFile(join(dir, 'openai', 'broken.json'), 'utf8')).toBe('{"apiKey": "sk-half');
  });
});
