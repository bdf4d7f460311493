import { describe, expect, test } from 'vitest';
import { Choker, type ChokeCandidate } from '../src/index.js';

const peer = (
  id: string,
  downloadRate: number,
  uploadRate = 0,
  interested = true,
): ChokeCandidate => ({
  id,
  interested,
  downloadRate,
  uploadRate,
});

describe('Choker', () => {
  test('a downloader unchokes the four best uploaders to it plus one optimistic peer', () => {
    const now = 0;
    const choker = new Choker({ random: () => 0, now: () => now });
    const peers = [
      peer('a', 50),
      peer('b', 10),
      peer('c', 40),
      peer('d', 30),
      peer('e', 20),
      peer('f', 5),
      peer('g', 1),
    ];
    const unchoked = choker.decide(peers, false);
    expect([...unchoked].filter((id) => id !== choker.optimisticPeer).sort()).toEqual([
      'a',
      'c',
      'd',
      'e',
    ]);
    expect(unchoked.size).toBe(5);
    expect(['b', 'f', 'g']).toContain(choker.optimisticPeer);
  });

  test('the optimistic slot stays for 30 s, then rotates to another peer', () => {
    let now = 0;
    const choker = new Choker({ random: () => 0, now: () => now });
    const peers = [
      peer('a', 9),
      peer('b', 8),
      peer('c', 7),
      peer('d', 6),
      peer('x', 0),
      peer('y', 0),
    ];
    choker.decide(peers, false);
    const first = choker.optimisticPeer;
    now = 10_000;
    choker.decide(peers, false);
    expect(choker.optimisticPeer).toBe(first);
    now = 30_000;
    choker.decide(peers, false);
    expect(choker.optimisticPeer).not.toBe(first);
    expect(['x', 'y']).toContain(choker.optimisticPeer);
  });

  test('a seed ranks by its upload rate to each peer', () => {
    const choker = new Choker({ random: () => 0 });
    const peers = [
      peer('a', 0, 1),
      peer('b', 0, 100),
      peer('c', 0, 90),
      peer('d', 0, 80),
      peer('e', 0, 70),
      peer('f', 0, 2),
    ];
    const unchoked = choker.decide(peers, true);
    for (const id of ['b', 'c', 'd', 'e']) expect(unchoked.has(id)).toBe(true);
  });

  test('peers that are not interested are never unchoked', () => {
    const choker = new Choker();
    const unchoked = choker.decide([peer('a', 100, 0, false), peer('b', 1)], false);
    expect([...unchoked]).toEqual(['b']);
  });
});
