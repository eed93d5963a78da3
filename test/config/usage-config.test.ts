import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fromConfig, parseConfig } from '../../src/config/index.js';
import { SwitchyardError } from '../../src/core/errors.js';
import { FileUsageSink, MemoryUsageSink } from '../../src/index.js';

function refusal(text: string): string {
  try {
    parseConfig(text, 'config.yaml', { env: {} });
  } catch (err) {
    if (SwitchyardError.is(err)) return err.message;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

describe('usage: and prices: are validated', () => {
  it('accepts a full usage section and prices that override or extend the shipped table', () => {
    const { config } = parseConfig(
      [
        'usage:',
        '  sink: file',
        '  path: ./ledger',
        '  max-bytes: 1048576',
        '  max-age: 12h',
        '  retention: 90d',
        '  max-records: 5000',
        'prices:',
        '  claude-sonnet-4-5: { input: 2.5 }',
        '  my-model: { input: 1, output: 3, cached-input: 0.1, currency: EUR }',
      ].join('\n'),
    );
    expect(config.usage).toMatchObject({ sink: 'file', retention: '90d' });
    expect(config.prices?.['my-model']).toMatchObject({ currency: 'EUR' });
  });

  it('refuses unknown keys, bad values and keys of another sink, naming the key and line', () => {
    expect(refusal('usage:\n  sink: sqlite\n')).toMatch(
      /usage\.sink \(line 2\): Invalid option.*"memory"\|"file"\|"postgres"/,
    );
    expect(refusal('usage:\n  retension: 30d\n')).toMatch(/usage \(line 2\): Unrecognized key: "retension"/);
    expect(refusal('usage:\n  retention: a month\n')).toMatch(/usage\.retention \(line 2\): must be a duration/);
    expect(refusal('usage:\n  sink: memory\n  path: ./x\n')).toMatch(
      /usage\.path \(line 3\): only applies to sink: file \(the sink is memory\)/,
    );
    expect(refusal('usage:\n  dsn: postgres://db/x\n')).toMatch(/usage\.dsn .*only applies to sink: postgres/);
    expect(refusal('usage:\n  max-bytes: -1\n')).toMatch(/usage\.max-bytes \(line 2\)/);
  });

  it('refuses a new model without input and output, negative rates and bad currencies', () => {
    expect(refusal('prices:\n  my-model: { input: 1 }\n')).toMatch(
      /prices\.my-model\.output .*required: 'my-model' is not in the shipped price table/,
    );
    expect(refusal('prices:\n  claude-sonnet-4-5: { output: -2 }\n')).toMatch(/prices\.claude-sonnet-4-5\.output/);
    expect(refusal('prices:\n  m: { input: 1, output: 2, currency: dollars }\n')).toMatch(
      /prices\.m\.currency .*three-letter currency code/,
    );
    expect(refusal('prices:\n  m: { input: 1, output: 2, cost: 3 }\n')).toMatch(/Unrecognized key: "cost"/);
  });
});

describe('fromConfig builds the ledger', () => {
  let dir: string;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const body = { model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] };

  async function config(text: string) {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-usage-'));
    const path = join(dir, 'config.yaml');
    await writeFile(path, `auth-dir: ${JSON.stringify(join(dir, 'auths'))}\nmock: true\n${text}`);
    return path;
  }

  it('defaults to memory for the library, and to files next to the config for serve', async () => {
    const path = await config('');
    const lib = await fromConfig(path, { env: {}, watch: false });
    expect(lib.usage).toBeInstanceOf(MemoryUsageSink);
    await lib.close();
    const serve = await fromConfig(path, { env: {}, watch: false, defaultUsageSink: 'file' });
    expect(serve.usage).toBeInstanceOf(FileUsageSink);
    expect((serve.usage as FileUsageSink).dir).toBe(join(dir, 'usage'));
    await serve.manager.execute({ dialect: 'openai-chat', body });
    await serve.close();
    expect(await readdir(join(dir, 'usage'))).toEqual(['usage.jsonl']);
  });

  it('prices from the config reach every record, and the file ledger survives a restart', async () => {
    const path = await config(
      'usage:\n  path: ledger\n  retention: 7d\nprices:\n  mock-model: { input: 1000, output: 2000 }\n',
    );
    const first = await fromConfig(path, { env: {}, watch: false });
    await first.manager.execute({ dialect: 'openai-chat', body, principal: 'alice' });
    const [before] = await first.usage.aggregate({ groupBy: ['principal'] });
    expect(before).toMatchObject({ principal: 'alice', requests: 1, unpriced: 0 });
    expect(before!.cost.USD).toBeGreaterThan(0);
    await first.close();
    const line = JSON.parse((await readFile(join(dir, 'ledger', 'usage.jsonl'), 'utf8')).trim());
    expect(line.cost).toEqual({ amount: before!.cost.USD, currency: 'USD' });
    const second = await fromConfig(path, { env: {}, watch: false });
    expect(await second.usage.aggregate({ groupBy: ['principal'] })).toEqual([before]);
    await second.close();
  });

  it('refuses a postgres sink without a database', async () => {
    const path = await config('usage:\n  sink: postgres\n');
    await expect(fromConfig(path, { env: {}, watch: false })).rejects.toThrow(
      /usage\.sink is postgres but no database is named: set usage\.dsn/,
    );
  });
});
