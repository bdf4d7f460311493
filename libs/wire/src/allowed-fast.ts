import { createHash } from 'node:crypto';
import { WireError } from './errors.js';

/**
 * The allowed-fast set of BEP 6: pieces a peer at `ipv4` may request from us while choked.
 * Both sides compute the same set, so a peer can check our `allowed-fast` messages.
 * Accepts IPv4-mapped IPv6 addresses ("::ffff:1.2.3.4"), as Node reports them on dual-stack sockets.
 */
export function allowedFastSet(
  ipv4: string,
  infoHash: Buffer,
  pieceCount: number,
  k = 10,
): number[] {
  if (infoHash.length !== 20) {
    throw new WireError('INVALID_ARGUMENT', `info hash must be 20 bytes, got ${infoHash.length}`);
  }
  if (!Number.isSafeInteger(pieceCount) || pieceCount < 0 || pieceCount > 0xffffffff) {
    throw new WireError('INVALID_ARGUMENT', `bad piece count ${pieceCount}`);
  }
  if (!Number.isInteger(k) || k < 0) throw new WireError('INVALID_ARGUMENT', `bad set size ${k}`);
  const size = Math.min(k, pieceCount);
  const result: number[] = [];
  if (size === 0) return result;

  // The last octet is masked so that peers behind one /24 share a set (BEP 6).
  const octets = parseIpv4(ipv4);
  let x = Buffer.concat([Buffer.from([octets[0], octets[1], octets[2], 0]), infoHash]);
  const chosen = new Set<number>();
  while (result.length < size) {
    x = createHash('sha1').update(x).digest();
    for (let i = 0; i < 5 && result.length < size; i++) {
      const index = x.readUInt32BE(i * 4) % pieceCount;
      if (!chosen.has(index)) {
        chosen.add(index);
        result.push(index);
      }
    }
  }
  return result;
}

function parseIpv4(address: string): number[] {
  const text = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) {
    throw new WireError('INVALID_ARGUMENT', `not an IPv4 address: ${address}`);
  }
  return parts.map(Number);
}
