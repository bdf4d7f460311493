import { encode } from '@swarmhub/bencode';
import { describe, expect, test } from 'vitest';
import { encodeCompactAnswer } from '../src/announce/compact-answer.js';
import { peerEndpoint } from '../src/swarm/peer-address.js';
import type { SwarmPeer } from '../src/swarm/swarm.js';

function peerAt(address: string, port: number): SwarmPeer {
  return {
    peerId: 'x'.repeat(20),
    ...peerEndpoint(address)!,
    port,
    uploaded: 0,
    downloaded: 0,
    left: 0,
    paused: false,
    key: null,
    lastAnnounce: 0,
    row: 0,
    slot: 0,
    seeding: true,
  };
}

/** What the general encoder makes of the same answer: the reference. */
function reference(
  counts: { complete: number; incomplete: number; interval: number; minInterval: number },
  peers: SwarmPeer[],
): Buffer {
  const v4 = peers.filter((p) => p.ipv6 === null);
  const v6 = peers.filter((p) => p.ipv6 !== null);
  const compact4 = Buffer.concat(
    v4.map((p) => {
      const b = Buffer.alloc(6);
      b.writeUInt32BE(p.ipv4, 0);
      b.writeUInt16BE(p.port, 4);
      return b;
    }),
  );
  const compact6 = Buffer.concat(
    v6.map((p) => {
      const b = Buffer.alloc(18);
      p.ipv6!.copy(b);
      b.writeUInt16BE(p.port, 16);
      return b;
    }),
  );
  return encode({
    complete: counts.complete,
    incomplete: counts.incomplete,
    interval: counts.interval,
    'min interval': counts.minInterval,
    peers: compact4,
    ...(v6.length > 0 ? { peers6: compact6 } : {}),
  });
}

describe('encodeCompactAnswer', () => {
  test('writes exactly what the general bencode encoder writes', () => {
    let seed = 3;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const peers: SwarmPeer[] = [];
      const n = random(60);
      for (let i = 0; i < n; i++) {
        peers.push(
          random(4) === 0
            ? peerAt(
                `2001:db8::${random(65536).toString(16)}:${random(65536).toString(16)}`,
                1 + random(65535),
              )
            : peerAt(
                `${random(256)}.${random(256)}.${random(256)}.${random(256)}`,
                1 + random(65535),
              ),
        );
      }
      const counts = {
        complete: random(100000),
        incomplete: random(10),
        interval: 1 + random(86400),
        minInterval: random(61),
      };
      expect(encodeCompactAnswer(counts, peers)).toEqual(reference(counts, peers));
    }
  });

  test('writes an empty peer list as an empty string', () => {
    expect(
      encodeCompactAnswer(
        { complete: 0, incomplete: 1, interval: 1800, minInterval: 60 },
        [],
      ).toString('latin1'),
    ).toBe('d8:completei0e10:incompletei1e8:intervali1800e12:min intervali60e5:peers0:e');
  });
});
