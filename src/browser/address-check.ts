import { isIP } from 'node:net';
import type { EgressPolicy } from './egress-policy.ts';
import { isPublicAddress } from './private-address.ts';

/** Resolves a host name to its addresses (injectable: tests make a Zoho host resolve to a private address). */
export type Lookup = (host: string) => Promise<string[]>;

/**
 * The address the proxy connects to for an allowed host, or undefined when it must not be reached:
 * every address the name resolves to must be public (a name that also resolves privately could be
 * rebound to it), except for the configured override hosts, which may be loopback or private.
 */
export function createAddressCheck(policy: EgressPolicy, lookup: Lookup) {
  return async (hostname: string): Promise<string | undefined> => {
    const bare = hostname.replace(/^\[(.*)\]$/, '$1');
    let addresses: string[];
    try {
      addresses = isIP(bare) ? [bare] : await lookup(bare);
    } catch {
      return undefined;
    }
    if (addresses.length === 0) return undefined;
    if (policy.trustedHosts.has(hostname)) return addresses[0];
    return addresses.every(isPublicAddress) ? addresses[0] : undefined;
  };
}
