import { isIP } from 'node:net';
import { unmapIPv4 } from '../swarm/peer-address.js';

export interface AddressPolicy {
  trustedProxies: string[];
  allowIpParam: boolean;
}

/**
 * The address peers should use to reach this client. The socket is the truth; a proxy's
 * `X-Forwarded-For` counts only when the socket is that trusted proxy (the rightmost address it
 * did not add itself), and the `ip` parameter only when configured, since honouring it lets
 * anyone aim a swarm at a third party.
 */
export function clientAddress(
  socketAddress: string,
  forwardedFor: string | undefined,
  ipParam: string | null,
  policy: AddressPolicy,
): string {
  let address = unmapIPv4(socketAddress);
  if (forwardedFor !== undefined && policy.trustedProxies.includes(address)) {
    const hops = forwardedFor.split(',').map((h) => unmapIPv4(h.trim()));
    for (let i = hops.length - 1; i >= 0; i--) {
      if (isIP(hops[i]) === 0) break;
      address = hops[i];
      if (!policy.trustedProxies.includes(hops[i])) break;
    }
  }
  if (policy.allowIpParam && ipParam !== null && isIP(ipParam) !== 0) address = unmapIPv4(ipParam);
  return address;
}
