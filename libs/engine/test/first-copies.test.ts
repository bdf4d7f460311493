import { Bitfield } from '@swarmhub/wire';
import { describe, expect, test } from 'vitest';
import { FirstCopies, INSIST_AFTER_MS, newFirstCopiesPeerState } from '../src/first-copies.js';

const block = (index: number, begin = 0) => ({ index, begin });

describe('FirstCopies', () => {
  test('the first request for a piece is its first copy; another peer is turned away from it', () => {
    const policy = new FirstCopies(3);
    const a = newFirstCopiesPeerState();
    const b = newFirstCopiesPeerState();
    expect(policy.admit(a, block(0), 0, true)).toBe('first-copy');
    // Every block of the piece goes to the same peer: later requests are admitted the same way.
    expect(policy.admit(a, block(0, 16384), 5, true)).toBe('first-copy');
    expect(policy.admit(b, block(0), 10, true)).toBe('refused');
    expect(policy.admit(b, block(0, 16384), 10, true)).toBe('refused');
    expect(policy.admit(b, block(1), 10, true)).toBe('first-copy');
    expect(policy.active).toBe(true);
  });

  test('a peer that asks again a second after it was turned away gets the piece, as a copy', () => {
    const policy = new FirstCopies(3);
    const a = newFirstCopiesPeerState();
    const b = newFirstCopiesPeerState();
    policy.admit(a, block(0), 0, true);
    expect(policy.admit(b, block(0), 1000, true)).toBe('refused');
    // Other blocks of the piece asked for in the same batch are turned away too.
    expect(policy.admit(b, block(0, 16384), 1000 + INSIST_AFTER_MS - 1, true)).toBe('refused');
    expect(policy.admit(b, block(0), 1000 + INSIST_AFTER_MS, true)).toBe('copy');
    expect(policy.admit(b, block(0, 16384), 1000 + INSIST_AFTER_MS + 1, true)).toBe('copy');
    expect(b.ignoresRefusals).toBe(false);
    expect(policy.admit(b, block(1), 3000, true)).toBe('first-copy');
    policy.admit(a, block(2), 3000, true);
    expect(policy.admit(b, block(2), 3000, true)).toBe('copy'); // every piece has a copy now
  });

  test('a peer that asks again at once for a block it was turned away from is never turned away again', () => {
    const policy = new FirstCopies(4);
    const a = newFirstCopiesPeerState();
    const b = newFirstCopiesPeerState();
    policy.admit(a, block(0), 0, true);
    policy.admit(a, block(1), 0, true);
    expect(policy.admit(b, block(0), 10, true)).toBe('refused');
    expect(policy.admit(b, block(0), 11, true)).toBe('copy');
    expect(b.ignoresRefusals).toBe(true);
    expect(policy.admit(b, block(1), 12, true)).toBe('copy');
    // Others still are.
    expect(policy.admit(newFirstCopiesPeerState(), block(1), 13, true)).toBe('refused');
  });

  test('peers without the fast extension cannot be turned away', () => {
    const policy = new FirstCopies(2);
    const a = newFirstCopiesPeerState();
    const b = newFirstCopiesPeerState();
    policy.admit(a, block(0), 0, true);
    expect(policy.admit(b, block(0), 0, false)).toBe('copy');
  });

  test('pieces peers announce have a copy; once every piece has one, nobody is turned away', () => {
    const policy = new FirstCopies(4);
    const a = newFirstCopiesPeerState();
    const has = new Bitfield(4);
    has.set(1);
    has.set(2);
    policy.markAllCopied(has);
    expect(policy.admit(a, block(1), 0, true)).toBe('refused');
    policy.markCopied(3);
    expect(policy.active).toBe(true);
    expect(policy.admit(a, block(0), 0, true)).toBe('first-copy');
    expect(policy.active).toBe(false);
    // Piece 1 was refused to `a` while piece 0 had no copy; now it is served at once.
    expect(policy.admit(a, block(1), 1, true)).toBe('copy');
    expect(policy.admit(newFirstCopiesPeerState(), block(0), 1, true)).toBe('copy');
  });

  test('a peer with every piece leaves nothing without a copy', () => {
    const policy = new FirstCopies(5);
    policy.markAllCopied('all');
    expect(policy.active).toBe(false);
    expect(policy.admit(newFirstCopiesPeerState(), block(4), 0, true)).toBe('copy');
  });
});
