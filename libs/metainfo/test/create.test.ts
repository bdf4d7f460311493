import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { rejectionOf } from '../../../test-support/errors.js';
import {
  autoPieceLength,
  createTorrent,
  MetainfoError,
  parseMetainfo,
  pieceHash,
  pieceSize,
} from '../src/index.js';
import { patternBytes, sha1, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('create');
});
afterEach(() => tmp.remove());

const rejection = (promise: Promise<unknown>) => rejectionOf(MetainfoError, promise);

/** Checks every piece hash against an independent SHA-1 of the concatenated content. */
function expectPiecesMatch(content: Buffer, m: ReturnType<typeof parseMetainfo>): void {
  expect(m.pieceCount).toBe(Math.ceil(content.length / m.pieceLength));
  for (let i = 0; i < m.pieceCount; i++) {
    const piece = content.subarray(i * m.pieceLength, i * m.pieceLength + pieceSize(m, i));
    expect(pieceHash(m, i).equals(sha1(piece)), `piece ${i}`).toBe(true);
  }
}

describe('autoPieceLength', () => {
  test.each([
    [1, 16384],
    [16384 * 2000, 16384],
    [16384 * 2000 + 1, 32768],
    [1024 ** 3, 1024 * 1024],
    [700 * 1024 ** 2, 512 * 1024],
    [32 * 1024 ** 3, 16 * 1024 * 1024],
    [1024 ** 4, 16 * 1024 * 1024],
  ])('%d bytes -> %d', (size, expected) => {
    expect(autoPieceLength(size)).toBe(expected);
  });

  test('gives 1,000 to 2,000 pieces from 16,000 KiB up to 2,000 pieces of 16 MiB', () => {
    for (let size = 16384 * 1000; size <= 16 * 1024 * 1024 * 2000; size = Math.floor(size * 1.37)) {
      const pieces = Math.ceil(size / autoPieceLength(size));
      expect(pieces).toBeGreaterThanOrEqual(1000);
      expect(pieces).toBeLessThanOrEqual(2000);
    }
  });
});

describe('createTorrent', () => {
  test('a single file: fields, hashes, trackers, private, comment and created by', async () => {
    const content = patternBytes(100_000, 1);
    const file = join(tmp.dir, 'data.bin');
    writeFileSync(file, content);
    const progress: number[] = [];
    const { torrent, metainfo: m } = await createTorrent(file, {
      trackers: ['http://127.0.0.1:6969/announce', 'udp://127.0.0.1:6969'],
      pieceLength: 16384,
      private: true,
      comment: 'hello',
      urlList: ['http://seed.example/data.bin'],
      onProgress: (done, total) => {
        expect(total).toBe(100_000);
        progress.push(done);
      },
    });
    expect(parseMetainfo(torrent)).toEqual(m);
    expect(m.name).toBe('data.bin');
    expect(m.isMultiFile).toBe(false);
    expect(m.files).toEqual([{ path: ['data.bin'], length: 100_000, offset: 0, padding: false }]);
    expect(m.private).toBe(true);
    expect(m.comment).toBe('hello');
    expect(m.createdBy).toBe('Swarmhub/0.1.0');
    expect(m.announce).toBe('http://127.0.0.1:6969/announce');
    expect(m.announceList).toEqual([['http://127.0.0.1:6969/announce'], ['udp://127.0.0.1:6969']]);
    expect(m.urlList).toEqual(['http://seed.example/data.bin']);
    expect(Math.abs(m.creationDate!.getTime() - Date.now())).toBeLessThan(60_000);
    expectPiecesMatch(content, m);
    expect(progress.at(-1)).toBe(100_000);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  test('a nested directory: files sorted by path bytes, pieces spanning file boundaries, empty files kept', async () => {
    const layout: [string, number][] = [
      ['b/z.bin', 30_000],
      ['b/a.bin', 5],
      ['a.bin', 17_000],
      ['B.txt', 1],
      ['b/empty', 0],
      ['c/d/e/deep.bin', 50_000],
      ['é.bin', 3],
    ];
    const root = join(tmp.dir, 'album');
    const bySorted = new Map<string, Buffer>();
    layout.forEach(([path, size], i) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      const content = patternBytes(size, i + 10);
      writeFileSync(join(root, path), content);
      bySorted.set(path, content);
    });
    const { metainfo: m } = await createTorrent(root, {
      pieceLength: 16384,
      trackers: [['http://a/announce', 'http://b/announce'], ['http://c/announce']],
    });
    const expectedOrder = [
      'B.txt',
      'a.bin',
      'b/a.bin',
      'b/empty',
      'b/z.bin',
      'c/d/e/deep.bin',
      'é.bin',
    ];
    expect(m.files.map((f) => f.path.join('/'))).toEqual(expectedOrder.map((p) => `album/${p}`));
    expect(m.isMultiFile).toBe(true);
    expect(m.announceList).toEqual([
      ['http://a/announce', 'http://b/announce'],
      ['http://c/announce'],
    ]);
    const content = Buffer.concat(expectedOrder.map((p) => bySorted.get(p)!));
    expect(m.totalLength).toBe(content.length);
    let offset = 0;
    for (const f of m.files) {
      expect(f.offset).toBe(offset);
      offset += f.length;
    }
    expectPiecesMatch(content, m);
  });

  test('hashing with several jobs per worker gives the same result as one piece at a time', async () => {
    // 40 MiB with 16 KiB pieces: several 8 MiB jobs, so both workers and job ordering are exercised.
    const size = 40 * 1024 * 1024 + 123;
    const content = patternBytes(size, 3);
    const file = join(tmp.dir, 'big.bin');
    writeFileSync(file, content);
    const { metainfo: m } = await createTorrent(file, { pieceLength: 16384 });
    expectPiecesMatch(content, m);
  });

  test('automatic piece length is used when none is given', async () => {
    const file = join(tmp.dir, 'x.bin');
    writeFileSync(file, patternBytes(5000, 4));
    const { metainfo } = await createTorrent(file);
    expect(metainfo.pieceLength).toBe(16384);
    expect(metainfo.pieceCount).toBe(1);
    expect(metainfo.announceList).toEqual([]);
  });

  test('names other systems cannot create are kept as they are; readers neutralise them', async () => {
    const root = join(tmp.dir, 'names');
    mkdirSync(root);
    for (const name of ['aux.c', 'Song: Title?.mp3', 'trailing.', 'tab\there'])
      writeFileSync(join(root, name), 'x');
    const { torrent } = await createTorrent(root);
    const raw = torrent.toString('latin1');
    for (const name of ['5:aux.c', '16:Song: Title?.mp3', '9:trailing.', '8:tab\there'])
      expect(raw).toContain(name);
    expect(parseMetainfo(torrent).files.map((f) => f.path[1])).toEqual([
      'Song_ Title_.mp3',
      '_aux.c',
      'tab_here',
      'trailing',
    ]);
  });

  test('refuses file names that are not UTF-8', async () => {
    const root = join(tmp.dir, 'latin1');
    mkdirSync(root);
    writeFileSync(Buffer.from(`${root}/caf\xe9.txt`, 'latin1'), 'x');
    const err = await rejection(createTorrent(root));
    expect(err.code).toBe('BAD_FILE_NAME');
    expect(err.message).toMatch(/file name is not valid UTF-8/);
  });

  test('the file system root has no name to give a torrent', async () => {
    expect((await rejection(createTorrent('/'))).code).toBe('BAD_FILE_NAME');
  });

  test('symlinked files are followed, symlinked directories are not', async () => {
    const root = join(tmp.dir, 'links');
    mkdirSync(join(root, 'real'), { recursive: true });
    writeFileSync(join(root, 'real', 'f.bin'), patternBytes(10, 5));
    symlinkSync(join(root, 'real', 'f.bin'), join(root, 'link.bin'));
    symlinkSync(root, join(root, 'real', 'loop'));
    const { metainfo } = await createTorrent(root);
    expect(metainfo.files.map((f) => f.path.join('/'))).toEqual([
      'links/link.bin',
      'links/real/f.bin',
    ]);
  });

  test.each<[string, (dir: string) => [string, object], string]>([
    ['a missing path', (dir) => [join(dir, 'nope'), {}], 'NOT_FOUND'],
    ['an empty file', (dir) => (writeFileSync(join(dir, 'e'), ''), [join(dir, 'e'), {}]), 'EMPTY'],
    [
      'a directory without files',
      (dir) => (mkdirSync(join(dir, 'd', 'sub'), { recursive: true }), [join(dir, 'd'), {}]),
      'EMPTY',
    ],
    [
      'a piece length that is not a power of two',
      (dir) => (writeFileSync(join(dir, 'f'), 'x'), [join(dir, 'f'), { pieceLength: 20000 }]),
      'BAD_PIECE_LENGTH',
    ],
    [
      'a piece length below 16 KiB',
      (dir) => (writeFileSync(join(dir, 'f'), 'x'), [join(dir, 'f'), { pieceLength: 8192 }]),
      'BAD_PIECE_LENGTH',
    ],
    [
      'a tracker that is not a URL',
      (dir) => (writeFileSync(join(dir, 'f'), 'x'), [join(dir, 'f'), { trackers: ['not a url'] }]),
      'BAD_TRACKER',
    ],
    [
      'a tracker with another scheme',
      (dir) => (writeFileSync(join(dir, 'f'), 'x'), [join(dir, 'f'), { trackers: ['ftp://x/'] }]),
      'BAD_TRACKER',
    ],
  ])('refuses %s', async (_title, setup, code) => {
    const [path, options] = setup(tmp.dir);
    expect((await rejection(createTorrent(path, options))).code).toBe(code);
  });
});
