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
  storage.read = (offset, length, into) => {
    reads.push(offset);
    return read(offset, length, into);
  };
  // Room for three pieces: reading a fourth evicts the least recently used.
  return { cache: new PieceCache(storage, PIECE, () => PIECE, 3 * PIECE), storage, data, reads };
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

  test('a held block keeps its bytes while its piece is evicted and others are read', async () => {
    const { cache, data } = await cacheOver(16);
    const read = await cache.read(0, 0, PIECE);
    cache.prefetch(1);
    await new Promise((r) => setImmediate(r));
    const peeked = cache.peek(1, 100, 200)!;
    for (let i = 2; i < 16; i++) cache.release(await cache.read(i, 0, PIECE));
    expect(read.equals(data.subarray(0, PIECE))).toBe(true);
    expect(peeked.equals(data.subarray(PIECE + 100, PIECE + 300))).toBe(true);
    cache.release(read);
    cache.release(peeked);
  });

  test("released pieces' memory is read into again, held pieces' never", async () => {
    const { cache, storage } = await cacheOver(8);
    const targets: ArrayBufferLike[] = [];
    const read = storage.read;
    storage.read = (offset, length, into) => {
      targets.push(into!.buffer);
      return read(offset, length, into);
    };
    const held = await cache.read(0, 0, 16);
    for (let i = 1; i < 8; i++) cache.release(await cache.read(i, 0, 16));
    // Pieces 0..7 went through a cache of three: buffers came back and were used again...
    expect(new Set(targets).size).toBeLessThan(targets.length);
    // ...except the held piece's, which nothing else was read into.
    expect(targets.filter((b) => b === held.buffer)).toHaveLength(1);
    cache.release(held);
  });

  test('a read awaiting its piece holds it even if the piece is evicted meanwhile', async () => {
    const { cache, data } = await cacheOver(16);
    const pending = cache.read(0, 0, PIECE); // piece 0 is read, not yet resolved to the caller
    for (let i = 1; i < 4; i++) cache.prefetch(i); // evicts piece 0 before the caller resumes
    await new Promise((r) => setImmediate(r));
    for (let i = 4; i < 16; i++) cache.release(await cache.read(i, 0, PIECE));
    const block = await pending;
    expect(block.equals(data.subarray(0, PIECE))).toBe(true);
    cache.release(block);
  });
});
