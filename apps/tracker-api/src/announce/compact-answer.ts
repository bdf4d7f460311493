import type { SwarmPeer } from '../swarm/swarm.js';

export interface AnswerCounts {
  complete: number;
  incomplete: number;
  interval: number;
  minInterval: number;
}

/**
 * The compact announce answer (BEP 23, BEP 7 `peers6`) written straight into one buffer: the
 * same bytes `encode()` produces for this dictionary (keys in sorted order, tested against it),
 * without building the dictionary, sorting keys and measuring first. It is the answer to almost
 * every announce, so it is worth the few lines.
 */
export function encodeCompactAnswer(counts: AnswerCounts, peers: SwarmPeer[]): Buffer {
  let v4 = 0;
  for (const p of peers) if (p.ipv6 === null) v4++;
  const v6 = peers.length - v4;
  const head =
    `d8:completei${counts.complete}e10:incompletei${counts.incomplete}e` +
    `8:intervali${counts.interval}e12:min intervali${counts.minInterval}e5:peers${v4 * 6}:`;
  const v6Head = v6 > 0 ? `6:peers6${v6 * 18}:` : '';
  const out = Buffer.allocUnsafe(head.length + v4 * 6 + v6Head.length + v6 * 18 + 1);
  let o4 = out.write(head, 0, 'latin1');
  let o6 = o4 + v4 * 6 + (v6Head.length > 0 ? out.write(v6Head, o4 + v4 * 6, 'latin1') : 0);
  for (const p of peers) {
    if (p.ipv6 === null) {
      out.writeUInt32BE(p.ipv4, o4);
      out.writeUInt16BE(p.port, o4 + 4);
      o4 += 6;
    } else {
      p.ipv6.copy(out, o6);
      out.writeUInt16BE(p.port, o6 + 16);
      o6 += 18;
    }
  }
  out[out.length - 1] = 0x65; // 'e'
  return out;
}
