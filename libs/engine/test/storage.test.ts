import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  checkAll,
  FileStorage,
  MemoryStorage,
  StorageError,
  verifyPiece,
  type PieceLayout,
  type StorageFile,
} from '../src/storage/index.js';

function layout(entries: Array<[string[], number]>): StorageFile[] {
  let offset = 0;
  return entries.map(([p, length]) => {
    const file = { path: p, length, offset };
    offset += length;
    return file;
  });
}

function pieceLayoutOf(data: Buffer, pieceLength: number): PieceLayout {
  const pieceCount = Math.ceil(data.length / pieceLength);
  const hashes: Buffer[] = [];
  for (let i = 0; i < pieceCount; i++) {
    hashes.push(
      createHash('sha1')
        .update(data.subarray(i * pieceLength, (i + 1) * pieceLength))
        .digest(),
    );
  }
  return { pieceLength, pieceCount, pieceHashes: Buffer.concat(hashes), totalLength: data.length };
}

async function expectStorageError(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StorageError);
  expect((err as StorageError).code).toBe(code);
}

let dir: string;
let saveDir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'swarmhub-storage-'));
  saveDir = path.join(dir, 'save');
  await mkdir(saveDir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileStorage', () => {
  const files = layout([
    [['t', 'a.txt'], 5],
    [['t', 'empty'], 0],
    [['t', 'sub', 'deep', 'c.bin'], 11],
    [['t', 'd'], 1],
    [['t', 'e'], 20],
  ]);
  const total = 37;

  test('writes spanning file boundaries land in the right files and read back', async () => {
    const data = randomBytes(total);
    const storage = new FileStorage(saveDir, files);
    // 3-byte blocks in shuffled order: many of them straddle a boundary (5, 16, 17).
    const offsets = Array.from({ length: Math.ceil(total / 3) }, (_, i) => i * 3).reverse();
    await Promise.all(
      offsets.map((o) => storage.write(o, data.subarray(o, Math.min(o + 3, total)))),
    );
    await storage.sync();
    expect(await storage.read(0, total)).toEqual(data);
    expect(await storage.read(4, 13)).toEqual(data.subarray(4, 17));
    await storage.close();

    expect(await readFile(path.join(saveDir, 't', 'a.txt'))).toEqual(data.subarray(0, 5));
    expect(await readFile(path.join(saveDir, 't', 'sub', 'deep', 'c.bin'))).toEqual(
      data.subarray(5, 16),
    );
    expect(await readFile(path.join(saveDir, 't', 'd'))).toEqual(data.subarray(16, 17));
    expect(await readFile(path.join(saveDir, 't', 'e'))).toEqual(data.subarray(17, 37));
    expect((await stat(path.join(saveDir, 't', 'empty'))).size).toBe(0);
  });

  test('files are created lazily, at full length, on their first write', async () => {
    const storage = new FileStorage(saveDir, files);
    expect(await readdir(saveDir)).toEqual([]);
    await storage.write(18, Buffer.from('xy'));
    await storage.close();
    expect(existsSync(path.join(saveDir, 't', 'a.txt'))).toBe(false);
    expect(existsSync(path.join(saveDir, 't', 'sub'))).toBe(false);
    const e = await readFile(path.join(saveDir, 't', 'e'));
    expect(e.length).toBe(20);
    expect(e.subarray(1, 3).toString()).toBe('xy');
    expect(existsSync(path.join(saveDir, 't', 'empty'))).toBe(true);
  });

  test('reopening existing files keeps their data (resume after restart)', async () => {
    const data = randomBytes(total);
    const first = new FileStorage(saveDir, files);
    await first.write(0, data);
    await first.close();
    const second = new FileStorage(saveDir, files);
    expect(await second.read(0, total)).toEqual(data);
    await second.write(10, Buffer.alloc(3, 7));
    expect(await second.read(0, 10)).toEqual(data.subarray(0, 10));
    await second.close();
  });

  test('missing files and out-of-range requests give typed errors', async () => {
    const storage = new FileStorage(saveDir, files);
    await expectStorageError(storage.read(0, 4), 'MISSING_DATA');
    await expectStorageError(storage.read(30, 8), 'OUT_OF_RANGE');
    await expectStorageError(storage.write(-1, Buffer.alloc(1)), 'OUT_OF_RANGE');
    await expectStorageError(storage.write(36, Buffer.alloc(2)), 'OUT_OF_RANGE');
    // A file shorter than the torrent says (truncated by someone else) is missing data, not zeros.
    await mkdir(path.join(saveDir, 't'), { recursive: true });
    await writeFile(path.join(saveDir, 't', 'a.txt'), 'ab');
    await expectStorageError(storage.read(0, 5), 'MISSING_DATA');
    await storage.close();
    await expectStorageError(storage.read(0, 1), 'CLOSED');
  });

  test.each([
    [['..', 'escape']],
    [['t', '..', '..', 'escape']],
    [['/tmp', 'escape']],
    [['t/../../escape']],
    [['t\\..\\..\\escape']],
    [['']],
    [['.']],
    [['nul\0byte']],
    [[]],
  ])('hostile path %j is refused before any I/O', async (hostile) => {
    const bad = layout([
      [['ok'], 4],
      [hostile as string[], 4],
    ]);
    expect(() => new FileStorage(saveDir, bad)).toThrow(StorageError);
    expect(await readdir(saveDir)).toEqual([]);
    expect(await readdir(dir)).toEqual(['save']);
  });

  test('a symlink planted in the save directory does not redirect writes', async () => {
    const outside = path.join(dir, 'outside.txt');
    await writeFile(outside, 'precious');
    await symlink(outside, path.join(saveDir, 'f'));
    const storage = new FileStorage(saveDir, layout([[['f'], 8]]));
    await expectStorageError(storage.write(0, Buffer.from('12345678')), 'UNSAFE_PATH');
    await storage.close();
    expect(await readFile(outside, 'utf8')).toBe('precious');
    expect(await readlink(path.join(saveDir, 'f'))).toBe(outside);
  });

  test('a symlinked directory planted in the save directory does not carry writes out', async () => {
    const outside = path.join(dir, 'outside');
    await mkdir(outside);
    await symlink(outside, path.join(saveDir, 't'));
    const storage = new FileStorage(saveDir, files);
    await expectStorageError(storage.write(0, Buffer.alloc(5)), 'UNSAFE_PATH');
    await expectStorageError(storage.write(10, Buffer.alloc(5)), 'UNSAFE_PATH');
    await storage.close();
    expect(await readdir(outside)).toEqual([]);
  });

  test('open descriptors stay within the LRU limit across many files', async () => {
    const many = layout(
      Array.from({ length: 40 }, (_, i) => [[`f${i}`], 1000] as [string[], number]),
    );
    const data = randomBytes(40_000);
    const storage = new FileStorage(saveDir, many, { maxOpenFiles: 3 });
    // Blocks of 700 bytes interleave files and straddle boundaries, all in flight at once.
    const writes: Promise<void>[] = [];
    for (let o = 0; o < data.length; o += 700) {
      writes.push(storage.write(o, data.subarray(o, Math.min(o + 700, data.length))));
    }
    await Promise.all(writes);
    await storage.sync();
    const openInSaveDir = async () => {
      let n = 0;
      for (const fd of await readdir('/proc/self/fd')) {
        const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
        if (target.startsWith(saveDir + path.sep)) n++;
      }
      return n;
    };
    expect(await openInSaveDir()).toBeLessThanOrEqual(3);
    expect(await storage.read(0, data.length)).toEqual(data);
    expect(await openInSaveDir()).toBeLessThanOrEqual(3);
    await storage.close();
    expect(await openInSaveDir()).toBe(0);
    for (let i = 0; i < 40; i++) {
      expect(await readFile(path.join(saveDir, `f${i}`))).toEqual(
        data.subarray(i * 1000, (i + 1) * 1000),
      );
    }
  });

  test('deleteData removes the torrent files and their empty directories only', async () => {
    const storage = new FileStorage(saveDir, files);
    await storage.write(0, randomBytes(total));
    await writeFile(path.join(saveDir, 't', 'sub', 'user-notes.txt'), 'mine');
    await writeFile(path.join(saveDir, 'other.txt'), 'mine too');
    await storage.deleteData();
    expect(existsSync(path.join(saveDir, 't', 'a.txt'))).toBe(false);
    expect(existsSync(path.join(saveDir, 't', 'empty'))).toBe(false);
    expect(existsSync(path.join(saveDir, 't', 'sub', 'deep'))).toBe(false);
    expect(await readFile(path.join(saveDir, 't', 'sub', 'user-notes.txt'), 'utf8')).toBe('mine');
    expect(await readFile(path.join(saveDir, 'other.txt'), 'utf8')).toBe('mine too');
    await storage.close();
  });

  test('a non-contiguous file list is rejected', () => {
    expect(() => new FileStorage(saveDir, [{ path: ['a'], length: 4, offset: 1 }])).toThrow(
      expect.objectContaining({ code: 'BAD_LAYOUT' }),
    );
  });
});

describe('FileStorage with BEP 47 padding files', () => {
  // Pieces of 16: a.txt and b.bin each padded to a piece boundary, as libtorrent 2 makes them.
  const entries: Array<[string[], number, boolean]> = [
    [['t', 'a.txt'], 10, false],
    [['t', '.pad', '6'], 6, true],
    [['t', 'b.bin'], 13, false],
    [['t', '.pad', '3'], 3, true],
    [['t', '.pad', '0'], 0, true],
    [['t', 'c'], 5, false],
  ];
  const files: StorageFile[] = layout(entries.map(([p, n]) => [p, n])).map((f, i) => ({
    ...f,
    padding: entries[i]![2],
  }));
  const total = 37;
  /** The torrent's content: random where files are, zeros where padding is. */
  function content(): Buffer {
    const data = randomBytes(total);
    for (const f of files) if (f.padding) data.fill(0, f.offset, f.offset + f.length);
    return data;
  }

  test('padding is never created on disk; it reads as zeros and writes to it are dropped', async () => {
    const data = randomBytes(total); // non-zero in the padding too: those bytes must not land
    const storage = new FileStorage(saveDir, files);
    await storage.write(0, data.subarray(0, 20));
    await storage.write(20, data.subarray(20));
    await storage.sync();
    const expected = Buffer.from(data);
    expected.fill(0, 10, 16).fill(0, 29, 32);
    expect(await storage.read(0, total)).toEqual(expected);
    expect(await storage.read(12, 3)).toEqual(Buffer.alloc(3));
    await storage.close();
    expect((await readdir(path.join(saveDir, 't'))).sort()).toEqual(['a.txt', 'b.bin', 'c']);
    expect(await readFile(path.join(saveDir, 't', 'b.bin'))).toEqual(data.subarray(16, 29));
  });

  test('a recheck passes on the real files alone, and ignores a .pad file another client left', async () => {
    const data = content();
    await mkdir(path.join(saveDir, 't', '.pad'), { recursive: true });
    await writeFile(path.join(saveDir, 't', 'a.txt'), data.subarray(0, 10));
    await writeFile(path.join(saveDir, 't', 'b.bin'), data.subarray(16, 29));
    await writeFile(path.join(saveDir, 't', 'c'), data.subarray(32));
    await writeFile(path.join(saveDir, 't', '.pad', '6'), 'not 0s');
    const meta = pieceLayoutOf(data, 16);
    const storage = new FileStorage(saveDir, files);
    expect((await checkAll(storage, meta)).hasAll()).toBe(true);
    expect(await storage.read(0, total)).toEqual(data);
    await storage.close();
    await rm(path.join(saveDir, 't', 'b.bin'));
    const reopened = new FileStorage(saveDir, files);
    expect([...(await checkAll(reopened, meta)).indices()]).toEqual([0, 2]);
    await reopened.close();
  });

  test('deleteData leaves alone the .pad paths it never made, files and empty directory alike', async () => {
    const storage = new FileStorage(saveDir, files);
    await storage.write(0, content());
    await mkdir(path.join(saveDir, 't', '.pad'));
    await storage.deleteData();
    expect(await readdir(path.join(saveDir, 't'))).toEqual(['.pad']);

    await storage.write(0, content());
    await writeFile(path.join(saveDir, 't', '.pad', '6'), 'theirs');
    await storage.deleteData();
    expect(await readFile(path.join(saveDir, 't', '.pad', '6'), 'utf8')).toBe('theirs');
    expect(await readdir(path.join(saveDir, 't'))).toEqual(['.pad']);
    await storage.close();
  });
});

describe('verifyPiece and checkAll', () => {
  test('checkAll on partial multi-file data finds exactly the good pieces', async () => {
    const files = layout([
      [['m', 'one'], 10_000],
      [['m', 'two'], 7_000],
      [['m', 'three'], 15_001],
    ]);
    const data = randomBytes(32_001);
    const meta = pieceLayoutOf(data, 4096); // 8 pieces, the last one short
    expect(meta.pieceCount).toBe(8);
    const storage = new FileStorage(saveDir, files);
    // Pieces 0, 1 and 7 written correctly; piece 3 written with one flipped byte; the rest never.
    await storage.write(0, data.subarray(0, 8192));
    await storage.write(7 * 4096, data.subarray(7 * 4096));
    const bad = Buffer.from(data.subarray(3 * 4096, 4 * 4096));
    bad[100] ^= 1;
    await storage.write(3 * 4096, bad);
    const progress: number[] = [];
    const have = await checkAll(storage, meta, (n) => progress.push(n));
    expect([...have.indices()]).toEqual([0, 1, 7]);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await verifyPiece(storage, meta, 1)).toBe(true);
    expect(await verifyPiece(storage, meta, 3)).toBe(false);
    await storage.close();
  });

  test('checkAll with no files on disk is all missing, not an error', async () => {
    const data = randomBytes(9000);
    const meta = pieceLayoutOf(data, 4096);
    const storage = new FileStorage(saveDir, layout([[['x', 'y'], 9000]]));
    const have = await checkAll(storage, meta);
    expect(have.count()).toBe(0);
    expect(have.length).toBe(3);
    expect(await readdir(saveDir)).toEqual([]);
    await storage.close();
  });

  test('checkAll finds a complete seed on disk written by someone else', async () => {
    const data = randomBytes(50_000);
    await mkdir(path.join(saveDir, 'seed'));
    await writeFile(path.join(saveDir, 'seed', 'a'), data.subarray(0, 20_000));
    await writeFile(path.join(saveDir, 'seed', 'b'), data.subarray(20_000));
    const meta = pieceLayoutOf(data, 16384);
    const storage = new FileStorage(
      saveDir,
      layout([
        [['seed', 'a'], 20_000],
        [['seed', 'b'], 30_000],
      ]),
    );
    expect((await checkAll(storage, meta)).hasAll()).toBe(true);
    await storage.close();
  });
});

describe('MemoryStorage', () => {
  test('round trip across its internal chunk boundaries; unwritten bytes read as zeros', async () => {
    const total = 3 * (1 << 20) + 123;
    const storage = new MemoryStorage(total);
    const block = randomBytes(1 << 20);
    await storage.write((1 << 20) - 500, block);
    expect((await storage.read((1 << 20) - 500, block.length)).equals(block)).toBe(true);
    expect(await storage.read(0, 10)).toEqual(Buffer.alloc(10));
    await storage.write(total - 3, Buffer.from('end'));
    expect((await storage.read(total - 3, 3)).toString()).toBe('end');
    await expectStorageError(storage.read(total - 2, 3), 'OUT_OF_RANGE');
    const meta = pieceLayoutOf(Buffer.concat([Buffer.alloc((1 << 20) - 500), block]), 1 << 20);
    expect(await verifyPiece(storage, { ...meta, pieceCount: 1 }, 0)).toBe(true);
    await storage.deleteData();
    expect(await storage.read((1 << 20) - 500, 4)).toEqual(Buffer.alloc(4));
  });
});
