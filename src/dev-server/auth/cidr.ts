// Source-address checks against CIDR lists (AppRole's secret_id_bound_cidrs and secret ID cidr_list).

import { BlockList, isIP } from 'node:net';

/** Whether `address` (IPv4, IPv6 or IPv4-mapped IPv6) lies in any of the CIDR blocks; bad blocks match nothing. */
export function addressInCidrs(address: string, cidrs: readonly string[]): boolean {
  const ip = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const family = isIP(ip);
  if (family === 0) return false;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network = '', bits] = cidr.trim().split('/');
    const netFamily = isIP(network);
    if (netFamily === 0) continue;
    const prefix = bits === undefined ? (netFamily === 4 ? 32 : 128) : Number(bits);
    if (!Number.isInteger(prefix)) continue;
    try {
      list.addSubnet(network, prefix, netFamily === 4 ? 'ipv4' : 'ipv6');
    } catch {
      // A malformed block cannot match; Vault would have refused it at write time.
    }
  }
  return list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}
