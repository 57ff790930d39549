import { BlockList, isIP } from 'node:net';

// Addresses a browser call must never reach unless configured (ZOHO_*_URL overrides): loopback,
// private, link-local (cloud metadata at 169.254.169.254), shared (CGNAT), multicast, reserved.
// Two lists: Node's BlockList matches IPv4 addresses against IPv6 rules too (as ::ffff:a.b.c.d).
const v4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) v4.addSubnet(net, prefix, 'ipv4');
const v6 = new BlockList();
for (const [net, prefix] of [
  ['::', 96], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) v6.addSubnet(net, prefix, 'ipv6');

/** Whether an IP address is on the public internet (not loopback, private, link-local or reserved; an IPv4-mapped IPv6 address never is). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !v4.check(address, 'ipv4');
  if (family === 6) return !/^::ffff:/i.test(address) && !v6.check(address, 'ipv6');
  return false;
}
