import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../core/errors.js';

/**
 * A matcher for client addresses from CIDR ranges (`10.0.0.0/8`, `2001:db8::/32`) and single
 * addresses. IPv4-mapped IPv6 addresses (`::ffff:10.1.2.3`, as a dual-stack socket reports IPv4
 * peers) match the IPv4 ranges.
 *
 * @throws {ConfigError} naming the first entry that is neither an address nor a CIDR range.
 */
export function compileAddressFilter(
  ranges: readonly string[],
  where = 'allowedIps',
): (address: string | undefined) => boolean {
  const list = new BlockList();
  for (const range of ranges) {
    const [address, bits, extra] = range.trim().split('/');
    const family = isIP(address ?? '');
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    const max = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max || bits === '') {
      throw new ConfigError(
        `${where}: '${range}' is not an IP address or a CIDR range (write e.g. 10.0.0.0/8, 192.168.1.7 or 2001:db8::/32)`,
      );
    }
    list.addSubnet(address!, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return (peer) => {
    if (!peer) return false;
    const plain = peer.startsWith('::ffff:') && isIP(peer.slice(7)) === 4 ? peer.slice(7) : peer;
    const family = isIP(plain);
    if (family === 0) return false;
    return list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}
