import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { MetadataFetcher } from '../src/index.js';

const info = randomBytes(40_000); // three pieces: 16384, 16384, 7232
const hash = createHash('sha1').update(info).digest();
const piece = (i: number) => info.subarray(i * 16384, Math.min(info.length, (i + 1) * 16384));

describe('MetadataFetcher', () => {
  test('hands out each piece to one peer at a time and returns the verified dictionary', () => {
    const f = new MetadataFetcher(hash);
    expect(f.offerSize(info.length)).toBe(true);
    expect(f.nextRequest('a')).toBe(0);
    expect(f.nextRequest('b')).toBe(1);
    expect(f.nextRequest('a')).toBe(2);
    expect(f.nextRequest('c')).toBeUndefined();
    expect(f.received(0, info.length, piece(0))).toBeUndefined();
    expect(f.received(2, info.length, piece(2))).toBeUndefined();
    const done = f.received(1, info.length, piece(1));
    expect(Buffer.isBuffer(done) && done.equals(info)).toBe(true);
  });

  test('a dictionary that does not hash to the info hash is thrown away', () => {
    const f = new MetadataFetcher(hash);
    f.offerSize(info.length);
    f.received(0, info.length, piece(0));
    f.received(1, info.length, piece(1));
    expect(f.received(2, info.length, Buffer.alloc(piece(2).length))).toBe('bad');
    expect(f.nextRequest('a')).toBe(0);
  });

  test('refuses absurd sizes and pieces of the wrong length', () => {
    const f = new MetadataFetcher(hash);
    expect(f.offerSize(0)).toBe(false);
    expect(f.offerSize(1 << 30)).toBe(false);
    f.offerSize(info.length);
    expect(f.received(0, info.length, Buffer.alloc(100))).toBeUndefined();
    expect(f.received(7, info.length, piece(0))).toBeUndefined();
  });

  test('a peer that leaves frees its pieces for others', () => {
    const f = new MetadataFetcher(hash);
    f.offerSize(info.length);
    expect(f.nextRequest('a')).toBe(0);
    f.peerGone('a');
    expect(f.nextRequest('b')).toBe(0);
  });
});
