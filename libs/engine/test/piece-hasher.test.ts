import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { PieceHasher } from '../src/piece-hasher.js';

const hashers: PieceHasher[] = [];
afterEach(async () => {
  for (const h of hashers.splice(0)) await h.close();
});

describe('PieceHasher', () => {
  test('hashes whole pieces on the worker and hands the same bytes back', async () => {
    const hasher = new PieceHasher();
    hashers.push(hasher);
    const pieces = [1 << 20, 256 * 1024, 300_001].map((n) => {
      const b = Buffer.allocUnsafeSlow(n);
      randomBytes(n).copy(b);
      return b;
    });
    const expected = pieces.map((p) => ({
      digest: createHash('sha1').update(p).digest(),
      copy: Buffer.from(p),
    }));
    const results = await Promise.all(pieces.map((p) => hasher.hash(p)));
    results.forEach((r, i) => {
      expect(r.digest.equals(expected[i]!.digest)).toBe(true);
      expect(r.data.equals(expected[i]!.copy)).toBe(true);
      expect(r.lost).toBeUndefined();
    });
    // Transferred, not copied: the caller's original view is detached while the worker had it.
    expect(pieces[0]!.length).toBe(0);
  });

  test('small or pooled buffers are hashed inline', async () => {
    const hasher = new PieceHasher();
    hashers.push(hasher);
    const small = Buffer.from('abc');
    const r = await hasher.hash(small);
    expect(r.data).toBe(small);
    expect(r.digest.toString('hex')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
});
