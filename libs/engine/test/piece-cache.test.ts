import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { PieceCache } from '../src/piece-cache.js';
import { MemoryStorage } from '../src/storage/index.js';

const PIECE = 64 * 1024;

async function cacheOver(
  pieces: number,
): Promise<{ cache: PieceCache; storage: MemoryStorage; data: Buffer; reads: number[] }> {
  const data = randomBytes(PIECE * pieces);
  const storage = new MemoryStorage(data.length);
  await storage.write(0, data);
  const reads: number[] = [];
  const read = storage.read.bind(storage);
  storage.read = (offset, length) => {
    reads.push(offset);
    return read(offset, length);
  };
  return { cache: new PieceCache(storage, PIECE, () => PIECE), storage, data, reads };
}

describe('PieceCache', () => {
  test('a prefetched piece is served from memory without a second read', async () => {
    const { cache, data, reads } = await cacheOver(4);
    expect(cache.peek(2, 0, 16384)).toBeUndefined();
    cache.prefetch(2);
    cache.prefetch(2);
    expect(await cache.read(2, 16384, 16384)).toEqual(
      data.subarray(2 * PIECE + 16384, 2 * PIECE + 32768),
    );
    expect(cache.peek(2, 32768, 100)).toEqual(data.subarray(2 * PIECE + 32768, 2 * PIECE + 32868));
    expect(reads).toEqual([2 * PIECE]);
  });

  test('a failed prefetch is forgotten, so a later read tries again', async () => {
    const { cache, storage, data, reads } = await cacheOver(2);
    const read = storage.read;
    storage.read = () => Promise.reject(new Error('disk gone'));
    cache.prefetch(1);
    await new Promise((r) => setImmediate(r));
    storage.read = read;
    expect(await cache.read(1, 0, 10)).toEqual(data.subarray(PIECE, PIECE + 10));
    expect(reads).toEqual([PIECE]);
  });
});
