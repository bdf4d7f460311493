import { describe, expect, test } from 'vitest';
import { HashFailureTracker } from '../src/hash-failure-tracker.js';

describe('HashFailureTracker', () => {
  test('a peer that alone sent two failing pieces is banned', () => {
    const t = new HashFailureTracker(4, 2);
    expect(t.pieceFailed(0, Buffer.alloc(8), ['liar', 'liar'])).toEqual([]);
    expect(t.pieceFailed(1, Buffer.alloc(8), ['liar', 'liar'])).toEqual(['liar']);
    expect(t.isBanned('liar')).toBe(true);
  });

  test('when a failed piece later passes, only the senders of differing blocks are banned', () => {
    const t = new HashFailureTracker(4, 2);
    const good = Buffer.from('aaaabbbbcccc');
    const bad = Buffer.from('aaaaXbbbcccc');
    expect(t.pieceFailed(3, bad, ['honest', 'liar', 'honest'])).toEqual([]);
    expect(t.piecePassed(3, good)).toEqual(['liar']);
    expect(t.isBanned('honest')).toBe(false);
  });
});
