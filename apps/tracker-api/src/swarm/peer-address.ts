import { isIPv4, isIPv6 } from 'node:net';

/** Socket addresses of IPv4 clients on a dual-stack listener arrive as `::ffff:a.b.c.d`. */
export function unmapIPv4(address: string): string {
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

export function ipv4ToNumber(address: string): number {
  let value = 0;
  for (const part of address.split('.')) value = value * 256 + Number(part);
  return value;
}

export function ipv4FromNumber(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** The 16 bytes of an IPv6 address, expanding `::` and an embedded dotted IPv4 tail. */
export function ipv6ToBytes(address: string): Buffer {
  const out = Buffer.alloc(16);
  let text = address;
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  const groups: number[] = [];
  const parseSide = (side: string): number[] => {
    if (side === '') return [];
    const parts = side.split(':');
    const result: number[] = [];
    for (const part of parts) {
      if (part.includes('.')) {
        const v4 = ipv4ToNumber(part);
        result.push(v4 >>> 16, v4 & 0xffff);
      } else result.push(parseInt(part, 16));
    }
    return result;
  };
  const gap = text.indexOf('::');
  if (gap === -1) groups.push(...parseSide(text));
  else {
    const head = parseSide(text.slice(0, gap));
    const tail = parseSide(text.slice(gap + 2));
    groups.push(...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail);
  }
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

export interface PeerEndpoint {
  ip: string;
  ipv4: number;
  ipv6: Buffer | null;
}

/** Normalises an address for the swarm; null when it is not an IP address at all. */
export function peerEndpoint(address: string): PeerEndpoint | null {
  const ip = unmapIPv4(address);
  if (isIPv4(ip)) return { ip, ipv4: ipv4ToNumber(ip), ipv6: null };
  if (isIPv6(ip)) return { ip, ipv4: -1, ipv6: ipv6ToBytes(ip) };
  return null;
}
