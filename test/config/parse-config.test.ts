/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about literal ${NAME} references in YAML */
import { describe, expect, it } from 'vitest';
import {
  credentialsFromConfig,
  DURATION_HINT,
  managerSettings,
  parseConfig,
  type SwitchyardConfig,
} from '../../src/config/index.js';
import { parseDuration } from '../../src/config/parse-duration.js';
import { handlerSettings } from '../../src/config/settings.js';
import { SwitchyardError } from '../../src/core/errors.js';

function refusal(text: string, env: Record<string, string> = {}): string {
  try {
    parseConfig(text, 'config.yaml', { env });
  } catch (err) {
    if (SwitchyardError.is(err)) return err.message;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

describe('unknown keys', () => {
  it('refuses a misspelt top-level key and suggests the closest one, with its line', () => {
    const message = refusal('port: 1\nclaude-api-keys:\n  - api-key: sk-1\n');
    expect(message).toContain("claude-api-keys (line 2): unknown key; did you mean 'claude-api-key'?");
  });

  it('refuses a key with no close match without a wrong guess', () => {
    const message = refusal('port: 1\nzzzzzzzz: 1\n');
    expect(message).toContain('zzzzzzzz (line 2): unknown key');
    expect(message).not.toContain('did you mean');
  });

  it("accepts CLIProxyAPI's known-but-ignored keys silently", () => {
    const { warnings } = parseConfig('commercial-mode: true\nws-auth: false\nvertex-api-key: []\n');
    expect(warnings).toEqual([]);
  });
});

describe('proxy-url', () => {
  for (const good of [
    'http://p:3128',
    'https://p',
    'socks4://p:1080',
    'socks4a://p',
    'socks5://u:pw@p:1080',
    'socks5h://p',
    'direct',
    '',
  ]) {
    it(`accepts ${good || "''"}`, () => {
      expect(parseConfig(`proxy-url: "${good}"\n`).config['proxy-url']).toBe(good);
    });
  }
  it('refuses ftp:// globally, naming key and line', () => {
    expect(refusal('port: 1\nproxy-url: ftp://p:21\n')).toMatch(
      /proxy-url \(line 2\): must be 'direct' or a proxy URL/,
    );
  });
  it('refuses a bad scheme on an entry, naming its path and line', () => {
    const message = refusal('claude-api-key:\n  - api-key: sk-1\n    proxy-url: gopher://x\n');
    expect(message).toContain('claude-api-key.0.proxy-url (line 3)');
  });
  it('refuses a bad scheme on an openai-compatibility key entry', () => {
    const message = refusal(
      'openai-compatibility:\n  - name: x\n    base-url: https://x/v1\n    api-key-entries:\n      - api-key: k\n        proxy-url: not a url\n',
    );
    expect(message).toContain('openai-compatibility.0.api-key-entries.0.proxy-url (line 6)');
  });
});

describe('YAML errors', () => {
  it('reports an unterminated quote on the line where it starts', () => {
    const message = refusal(
      'port: 8317\nhost: x\napi-keys: [a]\nproxy-url: "http://x\nrouting:\n  strategy: fill-first\n',
    );
    expect(message).toMatch(/^config\.yaml:4: /);
  });
  it('reports an unterminated single quote on its line too', () => {
    expect(refusal("port: 1\nhost: 'x\nrouting: {}\n")).toMatch(/^config\.yaml:2: /);
  });
  it('names file and line of an unresolved alias', () => {
    const message = refusal('a-keys: &keys [k1]\napi-keys: *nokeys\n');
    expect(message).toContain('config.yaml:2: unresolved alias *nokeys');
  });
});

describe('${NAME} in values', () => {
  it('reads variables, defaults, and types a whole plain reference', () => {
    const { config } = parseConfig(
      'port: ${PORT}\nhost: ${HOST:-127.0.0.1}\napi-keys: ["${KEY}", "pre-${KEY}-post", "$${KEY}"]\n',
      'c',
      { env: { PORT: '9000', KEY: 'sk-1' } },
    );
    expect(config.port).toBe(9000);
    expect(config.host).toBe('127.0.0.1');
    expect(config['api-keys']).toEqual(['sk-1', 'pre-sk-1-post', '${KEY}']);
  });
  it('refuses a missing variable without a default, naming it and the line', () => {
    const message = refusal('port: 1\nclaude-api-key:\n  - api-key: ${ANTHROPIC_KEY}\n');
    expect(message).toContain('config.yaml:3: environment variable ANTHROPIC_KEY is not set');
  });
  it('refuses a malformed reference', () => {
    expect(refusal('host: ${not valid}\n')).toContain("config.yaml:1: '${not valid}' is not a valid reference");
  });
});

describe('durations', () => {
  it('reads seconds and units, and nothing else', () => {
    expect(parseDuration(30)).toBe(30_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration(-1)).toBeUndefined();
  });
  it('refuses a bad duration instead of defaulting it', () => {
    expect(refusal('routing:\n  session-affinity: true\n  session-affinity-ttl: forever\n')).toContain(
      'routing.session-affinity-ttl (line 3): must be a duration',
    );
    expect(refusal('timeouts:\n  idle: 5 minutes\n')).toContain('timeouts.idle (line 2): must be a duration');
  });
  it('fails closed on a bad duration in a config object that skipped the schema, naming the key', () => {
    const refused = (config: SwitchyardConfig): string => {
      try {
        managerSettings(config);
      } catch (err) {
        if (SwitchyardError.is(err) && err.kind === 'config') return err.message;
        throw err;
      }
      throw new Error('expected the config to be refused');
    };
    const ttl = refused({ routing: { 'session-affinity': true, 'session-affinity-ttl': 'forever' } });
    expect(ttl).toContain('routing.session-affinity-ttl');
    expect(ttl).toContain(DURATION_HINT);
    expect(ttl).toContain("'forever'");
    expect(refused({ timeouts: { idle: '5 minutes' } })).toContain('timeouts.idle');
    expect(refused({ timeouts: { total: -1 } })).toContain('timeouts.total');
  });
  it('reads Go-style compound durations like every other duration switchyard reads', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    const { config } = parseConfig('timeouts:\n  idle: 1m30s\n');
    expect(managerSettings(config).timeouts?.idleMs).toBe(90_000);
  });
  it('reads the timeouts section and the limits', () => {
    const { config } = parseConfig(
      'timeouts: { connect: 5, headers: 10m, first-byte: 90s, idle: 2m, total: 1h }\nmax-body-bytes: 1000\nmax-json-depth: 64\nmax-event-bytes: 2048\n',
    );
    expect(config.timeouts).toEqual({ connect: 5, headers: '10m', 'first-byte': '90s', idle: '2m', total: '1h' });
    expect(config['max-json-depth']).toBe(64);
  });
});

describe('credential ids and labels', () => {
  it('uses the id and label an entry gives, on every kind of entry', () => {
    const { config } = parseConfig(
      [
        'claude-api-key:',
        '  - { api-key: sk-a, id: claude-team-a, label: Team A }',
        'gemini-api-key:',
        '  - { api-key: g-1, id: gem-1 }',
        'codex-api-key:',
        '  - { api-key: sk-c, label: Codex main }',
        'openai-compatibility:',
        '  - name: OpenRouter',
        '    base-url: https://openrouter.ai/api/v1',
        '    api-key-entries: [{ api-key: sk-or, id: or-main, label: OpenRouter main }]',
      ].join('\n'),
    );
    const { credentials } = credentialsFromConfig(config);
    expect(credentials.map((c) => [c.id, c.label])).toEqual([
      ['gem-1', undefined],
      ['claude-team-a', 'Team A'],
      [expect.stringMatching(/^codex-[0-9a-z]{8}$/), 'Codex main'],
      ['or-main', 'OpenRouter main'],
    ]);
  });
  it('carries the group of a provider key, a compatibility entry and one of its keys', () => {
    const { config } = parseConfig(
      [
        'claude-api-key:',
        '  - { api-key: sk-a, id: a, group: team-a }',
        'openai-compatibility:',
        '  - name: OpenRouter',
        '    base-url: https://openrouter.ai/api/v1',
        '    group: shared',
        '    api-key-entries: [{ api-key: sk-1, id: or-1 }, { api-key: sk-2, id: or-2, group: team-b }]',
      ].join('\n'),
    );
    const { credentials } = credentialsFromConfig(config);
    expect(credentials.map((c) => [c.id, c.group])).toEqual([
      ['a', 'team-a'],
      ['or-1', 'shared'],
      ['or-2', 'team-b'],
    ]);
  });
  it('refuses two entries with the same id', () => {
    const { config } = parseConfig('claude-api-key:\n  - { api-key: a, id: same }\n  - { api-key: b, id: same }\n');
    expect(() => credentialsFromConfig(config)).toThrow(/id 'same' is used by two entries/);
  });
});

describe('client keys with limits', () => {
  it('takes keys as strings or with their limits, and hands both to the handler', () => {
    const { config } = parseConfig(
      [
        'api-keys:',
        '  - sk-plain',
        '  - key: sk-limited',
        '    name: team-a',
        '    models: [gpt-4*]',
        '    rpm: 60',
        '    max-concurrent: 4',
        '    budget: { tokens: 1000000, period: 24h }',
        '    expires-at: 2027-01-31',
        '    allowed-ips: [10.0.0.0/8]',
        '    groups: [team-a]',
        '    cost-budget: { day: 5, month: 100 }',
      ].join('\n'),
    );
    const settings = handlerSettings(config);
    expect(settings.apiKeys).toEqual(['sk-plain']);
    expect(settings.keys).toEqual([
      {
        key: 'sk-limited',
        principal: 'team-a',
        models: ['gpt-4*'],
        rpm: 60,
        maxConcurrent: 4,
        budget: { tokens: 1_000_000, periodMs: 86_400_000 },
        expiresAt: Date.parse('2027-01-31'),
        allowedIps: ['10.0.0.0/8'],
        groups: ['team-a'],
        costBudgets: [
          { period: 'day', amount: 5, currency: 'USD' },
          { period: 'month', amount: 100, currency: 'USD' },
        ],
      },
    ]);
    expect(settings.allowUnauthenticated).toBe(false);
  });

  it('refuses a bad date, an unknown field and a bad address range, naming them', () => {
    expect(() => parseConfig('api-keys:\n  - { key: k, expires-at: tomorrow }\n')).toThrow(/expires-at.*ISO 8601/);
    expect(() => parseConfig('api-keys:\n  - { key: k, rmp: 5 }\n')).toThrow(/rmp/);
    const { config } = parseConfig('api-keys:\n  - { key: k, allowed-ips: [10.0.0.0/99] }\n');
    expect(() => handlerSettings(config)).toThrow(/api-keys.0.allowed-ips: '10.0.0.0\/99'/);
  });
});
