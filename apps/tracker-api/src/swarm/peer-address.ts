import { isIPv6 } from 'node:net';

/** Socket addresses of IPv4 clients on a dual-stack listener arrive as `::ffff:a.b.c.d`. */
export function unmapIPv4(address: string): string {
  return address.startsWith('::ffff:') && parseIPv4(address.slice(7)) !== -1
    ? address.slice(7)
    : address;
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

/**
 * A dotted-quad IPv4 address as a number, or -1 when it is not one; accepts exactly what
 * `net.isIPv4` accepts (four decimal parts of 0 to 255, no leading zeros). One pass over the
 * characters: every announce goes through it, and a regex test plus a split cost more.
 */
export function parseIPv4(text: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // a leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else return -1;
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + part;
}

/** Normalises an address for the swarm; null when it is not an IP address at all. */
export function peerEndpoint(address: string): PeerEndpoint | null {
  const ip = unmapIPv4(address);
  const ipv4 = parseIPv4(ip);
  if (ipv4 !== -1) return { ip, ipv4, ipv6: null };
  if (isIPv6(ip)) return { ip, ipv4: -1, ipv6: ipv6ToBytes(ip) };
  return null;
}
