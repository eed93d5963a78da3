import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { SwitchyardError } from '../../src/core/errors.js';

function refusal(text: string): string {
  try {
    parseConfig(text, 'config.yaml', { env: {} });
  } catch (err) {
    if (SwitchyardError.is(err)) return err.message;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

const GOOD = `proxy-services:
  - name: serper
    base-url: https://google.serper.dev/v1
    keys:
      - key: k-aaaaaaaa
        id: serper-a
        label: team
        weight: 2
        proxy-url: socks5://127.0.0.1:1080
      - k-bbbbbbbb
    placement: { header: Authorization, prefix: 'Bearer ' }
    client-keys: [team-a]
    strategy: fill-first
    max-replay-bytes: 4096
  - name: maps
    base-url: http://127.0.0.1:9
    keys: [m-1]
    placement: { query: api_key }
`;

describe('proxy-services config', () => {
  it('accepts header and query placements with every key field', () => {
    const { config } = parseConfig(GOOD, 'config.yaml', { env: {} });
    const services = config['proxy-services']!;
    expect(services.map((s) => s.name)).toEqual(['serper', 'maps']);
    expect(services[0]!.keys[0]).toEqual({
      key: 'k-aaaaaaaa',
      id: 'serper-a',
      label: 'team',
      weight: 2,
      'proxy-url': 'socks5://127.0.0.1:1080',
    });
    expect(services[0]!.placement).toEqual({ header: 'Authorization', prefix: 'Bearer ' });
    expect(services[1]!.placement).toEqual({ query: 'api_key' });
  });

  it('refuses a placement with both header and query, naming the path', () => {
    const text = GOOD.replace('{ query: api_key }', '{ query: api_key, header: X-Key }');
    expect(refusal(text)).toMatch(/proxy-services\.1\.placement \(line \d+\): needs exactly one of header .* not both/);
  });

  it('refuses a placement with neither', () => {
    expect(refusal(GOOD.replace('{ query: api_key }', '{}'))).toMatch(/proxy-services\.1\.placement.*exactly one of/);
  });

  it('refuses a prefix on a query placement', () => {
    const text = GOOD.replace('{ query: api_key }', "{ query: api_key, prefix: 'Bearer ' }");
    expect(refusal(text)).toMatch(/proxy-services\.1\.placement\.prefix.*only applies to a header placement/);
  });

  it('refuses a header the gateway owns', () => {
    const text = GOOD.replace("{ header: Authorization, prefix: 'Bearer ' }", '{ header: Host }');
    expect(refusal(text)).toMatch(/proxy-services\.0\.placement\.header.*a header the gateway sets itself/);
  });

  it('refuses a base URL with a query or another scheme', () => {
    expect(refusal(GOOD.replace('http://127.0.0.1:9', 'http://127.0.0.1:9/?a=1'))).toMatch(
      /proxy-services\.1\.base-url.*without a query/,
    );
    expect(refusal(GOOD.replace('http://127.0.0.1:9', 'ftp://127.0.0.1'))).toMatch(/proxy-services\.1\.base-url/);
  });

  it('refuses a service without keys', () => {
    expect(refusal(GOOD.replace('keys: [m-1]', 'keys: []'))).toMatch(/proxy-services\.1\.keys.*at least one key/);
  });

  it('refuses duplicate names and key ids', () => {
    expect(refusal(GOOD.replace('name: maps', 'name: serper'))).toMatch(
      /proxy-services\.1\.name.*'serper' is the name of entry 0 too/,
    );
  });

  it('refuses a name that is not a path segment and an unknown strategy', () => {
    expect(refusal(GOOD.replace('name: maps', 'name: "a/b"'))).toMatch(/proxy-services\.1\.name.*path segment/);
    expect(refusal(GOOD.replace('strategy: fill-first', 'strategy: random'))).toMatch(/proxy-services\.0\.strategy/);
  });

  it('refuses an unknown key in an entry', () => {
    expect(refusal(GOOD.replace('max-replay-bytes: 4096', 'max-replay: 4096'))).toMatch(
      /proxy-services\.0.*max-replay/,
    );
  });
});
