import { describe, expect, it } from 'vitest';
import { maskConfigText, refuseMaskedSecrets } from './mask-config.js';

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

  it('a masked file sent back is refused naming the field; the original passes', () => {
    expect(() => refuseMaskedSecrets(maskConfigText(FILE))).toThrow(/'api-keys'.*masked value/);
    expect(() => refuseMaskedSecrets(FILE)).not.toThrow();
    const onlyDsn = FILE.replace('pg-password-5555', '%E2%80%A6');
    expect(() => refuseMaskedSecrets(onlyDsn)).toThrow(/'pgstore.dsn'/);
  });
});
