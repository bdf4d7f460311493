import { Bitfield } from '@swarmhub/wire';
import { describe, expect, it } from 'vitest';
import { PiecePicker, type BlockRequest } from '../src/index.js';
import { seededRandom } from '../../../test-support/random.js';

interface SimPeer {
  key: string;
  has: Bitfield | 'all';
}

const blockKey = (b: BlockRequest) => `${b.index}/${b.begin}`;

/**
 * A swarm of peers that come and go, answer, reject and time out requests, gain pieces and
 * sometimes send corrupt data, pulling from one picker until the download is complete.
 * The picker's own invariant check runs after every step.
 */
function simulateSwarm(seed: number): { steps: number; duplicates: number; failures: number } {
  const random = seededRandom(seed);
  const pieceCount = 60 + Math.floor(random() * 60);
  const pieceLength = 4 * 16384;
  const totalLength = (pieceCount - 1) * pieceLength + 1 + Math.floor(random() * pieceLength);
  const picker = new PiecePicker({
    pieceCount,
    pieceLength,
    totalLength,
    random: seededRandom(seed + 1000),
    endgameDuplicates: 1 + (seed % 2),
  });
  const peers = new Map<string, SimPeer>();
  let nextPeer = 0;
  const join = () => {
    const key = `peer${nextPeer++}`;
    let has: Bitfield | 'all';
    if (random() < 0.15) {
      has = 'all';
    } else {
      has = new Bitfield(pieceCount);
      const density = random();
      for (let i = 0; i < pieceCount; i++) if (random() < density) has.set(i);
    }
    picker.incAvailability(has);
    peers.set(key, { key, has });
  };
  const leave = (peer: SimPeer) => {
    picker.releasePeer(peer.key);
    picker.decAvailability(peer.has);
    peers.delete(peer.key);
  };
  for (let i = 0; i < 8; i++) join();
  // Make sure the swarm as a whole can finish: one seed stays for good.
  const anchor: SimPeer = { key: 'anchor-seed', has: 'all' };
  picker.incAvailability('all');

  const received = new Map<number, Set<number>>();
  let duplicates = 0;
  let failures = 0;
  let steps = 0;
  const everyone = () => [...peers.values(), anchor];

  while (!picker.isComplete()) {
    steps++;
    if (steps > 200_000) throw new Error('swarm did not complete');
    const all = everyone();
    const peer = all[Math.floor(random() * all.length)];
    const action = random();
    if (action < 0.35) {
      const outstanding = picker.requestsOf(peer.key).length;
      const blocks = picker.pickBlocks(peer.key, peer.has, Math.max(0, 8 - outstanding));
      let sawDuplicate = false;
      for (const block of blocks) {
        expect(peer.has === 'all' || peer.has.get(block.index)).toBe(true);
        expect(picker.have(block.index)).toBe(false);
        expect(received.get(block.index)?.has(block.begin) ?? false).toBe(false);
        const requesters = picker.requestersOf(block);
        expect(requesters).toContain(peer.key);
        if (requesters.length > 1) {
          sawDuplicate = true;
          duplicates++;
        } else {
          // Fresh blocks always come before duplicates: duplicates only once nothing fresh is left.
          expect(sawDuplicate).toBe(false);
        }
      }
      if (sawDuplicate) expect(picker.inEndgame()).toBe(true);
    } else if (action < 0.8) {
      const requests = picker.requestsOf(peer.key);
      if (requests.length > 0) {
        const block = requests[Math.floor(random() * requests.length)];
        const result = picker.blockReceived(peer.key, block);
        expect(result.wanted).toBe(true);
        expect(result.cancelFrom).not.toContain(peer.key);
        for (const other of result.cancelFrom) {
          expect(picker.requestsOf(other).map(blockKey)).not.toContain(blockKey(block));
        }
        let blocks = received.get(block.index);
        if (!blocks) received.set(block.index, (blocks = new Set()));
        blocks.add(block.begin);
        if (result.pieceComplete) {
          expect(blocks.size).toBe(picker.blockCount(block.index));
          received.delete(block.index);
          if (random() < 0.08) {
            failures++;
            picker.pieceFailed(block.index);
          } else {
            picker.pieceVerified(block.index);
          }
        }
      }
    } else if (action < 0.88) {
      const requests = picker.requestsOf(peer.key);
      if (requests.length > 0) picker.cancelRequest(peer.key, requests[0]);
    } else if (action < 0.94) {
      if (peer !== anchor && peer.has !== 'all') {
        const index = Math.floor(random() * pieceCount);
        if (!peer.has.get(index)) {
          peer.has.set(index);
          picker.incPiece(index);
        }
      }
    } else if (action < 0.97) {
      if (peer !== anchor) leave(peer);
    } else {
      join();
    }
    picker.checkInvariants();
  }
  expect(picker.missingBytes()).toBe(0);
  expect(picker.haveBitfield().hasAll()).toBe(true);
  for (const peer of everyone()) expect(picker.requestsOf(peer.key)).toEqual([]);
  return { steps, duplicates, failures };
}

describe('PiecePicker in a simulated swarm', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('completes with consistent bookkeeping (seed %i)', (seed) => {
    expect(simulateSwarm(seed).steps).toBeGreaterThan(0);
  });

  it('exercises endgame duplicates and failed pieces along the way', () => {
    let duplicates = 0;
    let failures = 0;
    for (let seed = 20; seed < 26; seed++) {
      const result = simulateSwarm(seed);
      duplicates += result.duplicates;
      failures += result.failures;
    }
    expect(duplicates).toBeGreaterThan(0);
    expect(failures).toBeGreaterThan(0);
  });

  it('downloads a 100,000-piece torrent from 30 peers', () => {
    const pieceCount = 100_000;
    const random = seededRandom(42);
    const picker = new PiecePicker({
      pieceCount,
      pieceLength: 2 * 16384,
      totalLength: pieceCount * 2 * 16384,
      random: seededRandom(43),
    });
    const peers: { key: string; has: Bitfield | 'all' }[] = [];
    for (let p = 0; p < 30; p++) {
      let has: Bitfield | 'all' = 'all';
      if (p > 0) {
        has = new Bitfield(pieceCount);
        for (let i = 0; i < pieceCount; i++) if (random() < 0.5) has.set(i);
      }
      picker.incAvailability(has);
      peers.push({ key: `p${p}`, has });
    }
    let rounds = 0;
    while (!picker.isComplete()) {
      rounds++;
      for (const peer of peers) {
        for (const block of picker.pickBlocks(peer.key, peer.has, 16)) {
          const result = picker.blockReceived(peer.key, block);
          if (result.pieceComplete) picker.pieceVerified(block.index);
        }
      }
      if (rounds % 100 === 0) picker.checkInvariants();
    }
    picker.checkInvariants();
    expect(picker.haveCount()).toBe(pieceCount);
  });
});
