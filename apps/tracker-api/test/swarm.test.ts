import { describe, expect, test } from 'vitest';
import { isIPv4 } from 'node:net';
import { seededRandom } from '../../../test-support/random.js';
import { ipv4ToNumber, parseIPv4, peerEndpoint } from '../src/swarm/peer-address.js';
import { isSeeding, type SwarmPeer } from '../src/swarm/swarm.js';
import { SwarmRegistry } from '../src/swarm/swarm-registry.js';
import { testConfig } from './helpers.js';

function peer(id: number, left: number, now: number): SwarmPeer {
  return {
    peerId: `peer-${id}`.padEnd(20, '.'),
    ...peerEndpoint(`10.0.${(id >> 8) & 255}.${id & 255}`)!,
    port: 1000 + id,
    uploaded: 0,
    downloaded: 0,
    left,
    paused: false,
    key: null,
    lastAnnounce: now,
    row: 0,
    slot: 0,
    seeding: isSeeding(left, false),
  };
}

/** A small deterministic generator, so a failure can be replayed. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('SwarmRegistry', () => {
  test('keeps its running totals equal to a recount through joins, changes, stops and expiry', () => {
    const registry = new SwarmRegistry(testConfig('/nonexistent'));
    const random = lcg(7);
    const hashes = ['a', 'b', 'c', 'd'].map((c) => c.repeat(40));
    const live = new Map<string, SwarmPeer>();
    let now = 1_000_000;
    for (let step = 0; step < 5000; step++) {
      now += 1000;
      const infoHash = hashes[Math.floor(random() * hashes.length)];
      const id = Math.floor(random() * 60);
      const key = `${infoHash}/${id}`;
      const action = random();
      if (action < 0.6) {
        const existing = live.get(key) ?? peer(id, 0, now);
        existing.left = random() < 0.3 ? 0 : 500;
        existing.seeding = isSeeding(existing.left, false);
        existing.lastAnnounce = now;
        registry.save(infoHash, existing);
        live.set(key, existing);
      } else if (action < 0.9) {
        registry.drop(infoHash, peer(id, 0, now).peerId);
        live.delete(key);
      } else {
        registry.expire(now + registry.peerTtlMs - 30_000);
        for (const [k, p] of live) if (p.lastAnnounce < now - 30_000) live.delete(k);
      }
      const seeders = [...live.values()].filter((p) => p.seeding).length;
      expect(registry.totals()).toEqual({
        torrents: new Set([...live.keys()].map((k) => k.split('/')[0])).size,
        peers: live.size,
        seeders,
        leechers: live.size - seeders,
      });
    }
  });

  test('hands a leecher every other peer and never the asker itself', () => {
    const registry = new SwarmRegistry(testConfig('/nonexistent'));
    const infoHash = 'e'.repeat(40);
    const peers = Array.from({ length: 10 }, (_, i) => peer(i, i < 3 ? 0 : 10, 0));
    for (const p of peers) registry.save(infoHash, p);
    const swarm = registry.swarm(infoHash)!;
    for (const asker of peers) {
      const all = swarm.select(asker, 100);
      expect(all).not.toContain(asker);
      if (asker.seeding) expect(all.every((p) => !p.seeding)).toBe(true);
      expect(all).toHaveLength(asker.seeding ? 7 : 9);
      // A random start over a larger swarm still returns distinct peers.
      const some = swarm.select(asker, 4, lcg(asker.port));
      expect(new Set(some).size).toBe(4);
      expect(some).not.toContain(asker);
    }
  });
});

describe('parseIPv4', () => {
  test('accepts exactly what net.isIPv4 accepts, with the same value', () => {
    const fixed = [
      '1.2.3.4',
      '0.0.0.0',
      '255.255.255.255',
      '256.1.1.1',
      '01.2.3.4',
      '10.0.0.00',
      '1.2.3',
      '1.2.3.4.5',
      '1..3.4',
      '.1.2.3',
      '1.2.3.',
      ' 1.2.3.4',
      '1.2.3.4%eth0',
      '::ffff:1.2.3.4',
      '1.2.3.-1',
      '',
    ];
    const random = seededRandom(7);
    const generated = Array.from({ length: 20_000 }, () => {
      const parts = Array.from({ length: 3 + Math.floor(random() * 3) }, () =>
        String(Math.floor(random() * 300)).padStart(random() < 0.1 ? 3 : 0, '0'),
      );
      return parts.join(random() < 0.95 ? '.' : ':');
    });
    for (const text of [...fixed, ...generated]) {
      expect({ text, value: parseIPv4(text) }).toEqual({
        text,
        value: isIPv4(text) ? ipv4ToNumber(text) : -1,
      });
    }
    expect(parseIPv4('192.168.1.20')).toBe(0xc0a80114);
  });
});
