import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { maskConfigText, restoreMaskedSecrets } from './mask-config.js';

const FILE = `# the gateway
port: 8317
api-keys:
  - sk-client-aaaaaaaaaaaaaaaa-1111
  - \${CLIENT_KEY}
remote-management:
  secret-key: mgmt-secret-bbbbbbbbbbbb-2222
claude-api-key:
  - api-key: sk-ant-cccccccccccccccccc-3333
    label: main
    headers:
      x-tenant: tenant-token-dddddddddd-4444
pgstore:
  dsn: postgres://app:pg-password-5555@db:5432/switchyard
proxy-url: socks5://user:proxy-pass-6666@proxy:1080
`;

describe('maskConfigText', () => {
  it('masks every secret, keeps references, comments and the rest', () => {
    const masked = maskConfigText(FILE);
    for (const secret of [
      'aaaaaaaa',
      'mgmt-secret-bbbb',
      'cccccccc',
      'dddddddd',
      'pg-password-5555',
      'proxy-pass-6666',
    ]) {
      expect(masked).not.toContain(secret);
    }
    expect(masked).toContain('- sk-c…1111');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${NAME} reference
    expect(masked).toContain('${CLIENT_KEY}');
    expect(masked).toContain('# the gateway');
    expect(masked).toContain('label: main');
    expect(masked).toContain('secret-key: mgmt…2222');
    expect(masked).toContain('x-tenant: tena…4444');
    expect(masked).toContain('postgres://app:%E2%80%A6@db:5432/switchyard');
  });

  it('a masked file sent back gets its secrets back from the running file, the rest as sent', () => {
    const masked = maskConfigText(FILE);
    const edited = masked.replace('label: main', 'label: primary');
    const restored = restoreMaskedSecrets(edited, FILE);
    expect(restored).toBe(FILE.replace('label: main', 'label: primary'));
    // Nothing masked: the text is returned as sent.
    expect(restoreMaskedSecrets(FILE, FILE)).toBe(FILE);
  });

  it('keeps a secret whose entry moved, and keeps its quoting', () => {
    const running = `claude-api-key:
  - api-key: "sk-ant-first-aaaaaaaaaaaa-1111"
    label: first
  - api-key: sk-ant-second-bbbbbbbbbbbb-2222
    label: second
`;
    // The first entry deleted: the second's masked key is now at index 0, where the running mask differs.
    const sent = maskConfigText(running).replace(/ {2}- api-key: "sk-a…1111"\n {4}label: first\n/, '');
    expect(sent).toContain('sk-a…2222');
    expect(sent).not.toContain('first');
    expect(restoreMaskedSecrets(sent, running)).toBe(
      'claude-api-key:\n  - api-key: sk-ant-second-bbbbbbbbbbbb-2222\n    label: second\n',
    );
    const quoted = restoreMaskedSecrets(maskConfigText(running), running);
    expect(quoted).toContain('api-key: "sk-ant-first-aaaaaaaaaaaa-1111"');
    // A block scalar comes back as one double-quoted line, the same value.
    const block = 'vertex:\n  - service-account: |\n      {"type": "service_account", "x": "yyyyyyyyyyyyyyyy"}\n';
    const back = restoreMaskedSecrets(maskConfigText(block), block);
    expect(back).toContain('service-account: "{\\"type\\"');
    expect(parse(back)).toEqual(parse(block));
  });

  it('refuses a mask with no secret to keep, naming its path and line', () => {
    const masked = maskConfigText(FILE);
    // A masked value where the running file has none.
    const moved = `${masked}gemini-api-key:\n  - api-key: sk-c…1111x\n`;
    expect(() => restoreMaskedSecrets(moved, FILE)).toThrow(
      /^gemini-api-key\.0\.api-key \(line 17\): a masked value, and the running config has no secret there/,
    );
    // An edited mask where a secret is.
    const edited = masked.replace('mgmt…2222', 'mgmt…2223');
    expect(() => restoreMaskedSecrets(edited, FILE)).toThrow(
      /^remote-management\.secret-key \(line 7\): a masked value that is not the mask of the running secret/,
    );
    // No running file: every mask is refused.
    expect(() => restoreMaskedSecrets(masked)).toThrow(/^api-keys\.0 \(line 4\)/);
    const onlyDsn = FILE.replace('pg-password-5555', '%E2%80%A6');
    expect(() => restoreMaskedSecrets(onlyDsn)).toThrow(/^pgstore\.dsn \(line 14\)/);
    expect(restoreMaskedSecrets(onlyDsn, FILE)).toBe(FILE);
    // Masks are never echoed with more than the GET showed, and never with the secret.
    const message = (() => {
      try {
        restoreMaskedSecrets(edited, FILE);
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toContain('secret-key');
    expect(message).not.toContain('bbbbbbbb');
  });
});
