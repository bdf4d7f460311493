import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { hashPieces } from '../src/hash-pool.js';
import { MetainfoError } from '../src/index.js';
import { patternBytes, sha1, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('hash-pool');
});
afterEach(() => tmp.remove());

function expectedDigests(content: Buffer, pieceLength: number): Buffer {
  const out: Buffer[] = [];
  for (let start = 0; start < content.length; start += pieceLength)
    out.push(sha1(content.subarray(start, start + pieceLength)));
  return Buffer.concat(out);
}

describe('hashPieces', () => {
  test.each([1, 2, 3])(
    'gives the same digests with %d worker(s), across file boundaries and empty files',
    async (workers) => {
      const sizes = [100_000, 0, 1, 70_000, 16_384, 0, 40_000_000];
      const parts = sizes.map((size, i) => patternBytes(size, i + 1));
      let offset = 0;
      const files = parts.map((content, i) => {
        const path = join(tmp.dir, `f${i}`);
        writeFileSync(path, content);
        const source = { path, length: content.length, offset };
        offset += content.length;
        return source;
      });
      const content = Buffer.concat(parts);
      const progress: number[] = [];
      const digests = await hashPieces(files, {
        pieceLength: 32768,
        totalLength: content.length,
        workers,
        onProgress: (done) => progress.push(done),
      });
      expect(digests.equals(expectedDigests(content, 32768))).toBe(true);
      expect(progress.at(-1)).toBe(content.length);
    },
  );

  test('a file shorter than announced (changed while hashing) is a READ_FAILED error, not a hang', async () => {
    const path = join(tmp.dir, 'shrunk');
    writeFileSync(path, patternBytes(50_000, 1));
    const err = await hashPieces([{ path, length: 80_000, offset: 0 }], {
      pieceLength: 16384,
      totalLength: 80_000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetainfoError);
    expect((err as MetainfoError).code).toBe('READ_FAILED');
    expect((err as MetainfoError).message).toMatch(/shrunk is shorter than 80000 bytes/);
  });

  test('a file that vanished is a READ_FAILED error naming it', async () => {
    const path = join(tmp.dir, 'gone');
    const err = await hashPieces([{ path, length: 10, offset: 0 }], {
      pieceLength: 16384,
      totalLength: 10,
    }).catch((e: unknown) => e);
    expect((err as MetainfoError).code).toBe('READ_FAILED');
    expect((err as MetainfoError).message).toMatch(/ENOENT.*gone/);
  });
});
