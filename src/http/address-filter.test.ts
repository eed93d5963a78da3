import { describe, expect, it } from 'vitest';
import { compileAddressFilter } from './address-filter.js';

describe('compileAddressFilter', () => {
  it('matches IPv4 and IPv6 ranges and single addresses, IPv4-mapped peers included', () => {
    const allows = compileAddressFilter(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32']);
    expect(allows('10.200.3.4')).toBe(true);
    expect(allows('::ffff:10.1.2.3')).toBe(true);
    expect(allows('11.0.0.1')).toBe(false);
    expect(allows('192.168.1.7')).toBe(true);
    expect(allows('192.168.1.8')).toBe(false);
    expect(allows('2001:db8:1::5')).toBe(true);
    expect(allows('2001:db9::1')).toBe(false);
    expect(allows(undefined)).toBe(false);
    expect(allows('not-an-ip')).toBe(false);
  });

  it('refuses entries that are not addresses or ranges, naming them', () => {
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.0/', '1.2.3.4/8/1', '::1/129']) {
      expect(() => compileAddressFilter([bad], 'api-keys.0.allowed-ips')).toThrow(
        new RegExp(`api-keys.0.allowed-ips: '${bad.replace(/[./]/g, '\\$&')}' is not`),
      );
    }
  });
});
