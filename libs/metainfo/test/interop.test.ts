import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { testWithTools } from '../../../test-support/tools.js';
import { createTorrent, parseMetainfo, pieceHash, pieceSize, type Metainfo } from '../src/index.js';
import { patternBytes, sha1, tempDir } from './helpers.js';

/** Files of awkward sizes (crossing piece boundaries), nested directories and non-ASCII names. */
const TREE: [string, number][] = [
  ['cover.jpg', 70_001],
  ['disc 1/01 - intro.flac', 40_000],
  ['disc 1/02 - naïve.flac', 333_333],
  ['disc 2/deep/er/notes.txt', 5],
  ['disc 2/video.mkv', 1_500_000],
  ['z.bin', 65_536],
];

let tmp: ReturnType<typeof tempDir>;
let treeDir: string;
let singleFile: string;
let treeContent: Buffer;
let singleContent: Buffer;

beforeAll(() => {
  tmp = tempDir('interop');
  treeDir = join(tmp.dir, 'album');
  const parts: Buffer[] = [];
  TREE.forEach(([path, size], i) => {
    mkdirSync(join(treeDir, path, '..'), { recursive: true });
    const content = patternBytes(size, 100 + i);
    writeFileSync(join(treeDir, path), content);
    parts.push(content);
  });
  // TREE is listed in byte order already, which is the order every tool uses.
  treeContent = Buffer.concat(parts);
  singleFile = join(tmp.dir, 'single file.bin');
  singleContent = patternBytes(2_345_678, 7);
  writeFileSync(singleFile, singleContent);
});
afterAll(() => tmp?.remove());

function run(tool: string, args: string[]): string {
  return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

interface ToolView {
  infoHash: string;
  pieceCount: number;
  files: [string, number][];
}

/** What transmission-show says about a torrent. */
function transmissionShow(file: string): { infoHash: string; pieceCount: number } {
  const out = run('transmission-show', [file]);
  return {
    infoHash: /^\s*Hash: ([0-9a-f]{40})$/m.exec(out)![1]!,
    pieceCount: Number(/^\s*Piece Count: (\d+)$/m.exec(out)![1]),
  };
}

/** What aria2c --show-files says about a torrent, files included. */
function aria2Show(file: string): ToolView {
  const out = run('aria2c', ['--show-files', file]);
  const files: [string, number][] = [];
  const re = /^\s*\d+\|\.\/(.+)\n\s*\|.*\(([\d,]+)\)$/gm;
  for (let m = re.exec(out); m; m = re.exec(out))
    files.push([m[1]!, Number(m[2]!.replace(/,/g, ''))]);
  return {
    infoHash: /^Info Hash: ([0-9a-f]{40})$/m.exec(out)![1]!,
    pieceCount: Number(/^The Number of Pieces: (\d+)$/m.exec(out)![1]),
    files,
  };
}

function ourFiles(m: Metainfo): [string, number][] {
  return m.files.map((f) => [f.path.join('/'), f.length]);
}

function expectPiecesOf(content: Buffer, m: Metainfo): void {
  expect(m.totalLength).toBe(content.length);
  for (let i = 0; i < m.pieceCount; i++) {
    const piece = content.subarray(i * m.pieceLength, i * m.pieceLength + pieceSize(m, i));
    expect(pieceHash(m, i).equals(sha1(piece)), `piece ${i}`).toBe(true);
  }
}

const treeFiles = () => TREE.map(([p, size]): [string, number] => [`album/${p}`, size]);

describe('torrents made by other tools load with the same info hash', () => {
  describe.each([15, 16, 20])('mktorrent, piece length 2^%d', (log2) => {
    testWithTools(
      'mktorrent',
      'transmission-show',
      'aria2c',
    )('nested directories', () => {
      const out = join(tmp.dir, `mk-tree-${log2}.torrent`);
      run('mktorrent', [
        '-l',
        String(log2),
        '-a',
        'http://127.0.0.1:6969/announce',
        '-o',
        out,
        treeDir,
      ]);
      const m = parseMetainfo(readFileSync(out));
      expect(m.infoHash).toBe(transmissionShow(out).infoHash);
      const aria = aria2Show(out);
      expect(m.infoHash).toBe(aria.infoHash);
      expect(m.pieceLength).toBe(2 ** log2);
      expect(m.pieceCount).toBe(aria.pieceCount);
      expect(ourFiles(m)).toEqual(aria.files);
      expect(ourFiles(m)).toEqual(treeFiles());
      expectPiecesOf(treeContent, m);
    });

    testWithTools(
      'mktorrent',
      'transmission-show',
      'aria2c',
    )('a single file', () => {
      const out = join(tmp.dir, `mk-single-${log2}.torrent`);
      run('mktorrent', [
        '-l',
        String(log2),
        '-p',
        '-a',
        'http://127.0.0.1:6969/announce',
        '-o',
        out,
        singleFile,
      ]);
      const m = parseMetainfo(readFileSync(out));
      expect(m.infoHash).toBe(transmissionShow(out).infoHash);
      expect(m.infoHash).toBe(aria2Show(out).infoHash);
      expect(m.private).toBe(true);
      expect(ourFiles(m)).toEqual([['single file.bin', singleContent.length]]);
      expectPiecesOf(singleContent, m);
    });
  });

  describe.each([16, 32, 1024])('transmission-create, piece size %d KiB', (kib) => {
    testWithTools(
      'transmission-create',
      'transmission-show',
      'aria2c',
    )('nested directories', () => {
      const out = join(tmp.dir, `tr-tree-${kib}.torrent`);
      run('transmission-create', [
        '-s',
        String(kib),
        '-t',
        'http://127.0.0.1:6969/announce',
        '-o',
        out,
        treeDir,
      ]);
      const m = parseMetainfo(readFileSync(out));
      const shown = transmissionShow(out);
      expect(m.infoHash).toBe(shown.infoHash);
      expect(m.pieceCount).toBe(shown.pieceCount);
      const aria = aria2Show(out);
      expect(m.infoHash).toBe(aria.infoHash);
      expect(ourFiles(m)).toEqual(aria.files);
      expect(ourFiles(m)).toEqual(treeFiles());
      expectPiecesOf(treeContent, m);
    });

    testWithTools(
      'transmission-create',
      'transmission-show',
      'aria2c',
    )('a single file', () => {
      const out = join(tmp.dir, `tr-single-${kib}.torrent`);
      run('transmission-create', ['-s', String(kib), '-c', 'a comment', '-o', out, singleFile]);
      const m = parseMetainfo(readFileSync(out));
      expect(m.infoHash).toBe(transmissionShow(out).infoHash);
      expect(m.infoHash).toBe(aria2Show(out).infoHash);
      expect(m.pieceLength).toBe(kib * 1024);
      expect(m.comment).toBe('a comment');
      expectPiecesOf(singleContent, m);
    });
  });
});

describe('torrents we create load in other tools with the same info hash and files', () => {
  describe.each([32768, 262144, 1048576])('piece length %d', (pieceLength) => {
    testWithTools(
      'transmission-show',
      'aria2c',
      'mktorrent',
    )('nested directories', async () => {
      const { torrent, metainfo } = await createTorrent(treeDir, {
        pieceLength,
        trackers: ['http://127.0.0.1:6969/announce'],
      });
      const file = join(tmp.dir, `ours-tree-${pieceLength}.torrent`);
      writeFileSync(file, torrent);
      const shown = transmissionShow(file);
      expect(shown.infoHash).toBe(metainfo.infoHash);
      expect(shown.pieceCount).toBe(metainfo.pieceCount);
      const aria = aria2Show(file);
      expect(aria.infoHash).toBe(metainfo.infoHash);
      expect(aria.files).toEqual(ourFiles(metainfo));
      expect(aria.files).toEqual(treeFiles());
      // mktorrent writes the same info dictionary for the same content: identical pieces, even the same hash.
      const mk = join(tmp.dir, `mk-compare-${pieceLength}.torrent`);
      run('mktorrent', [
        '-l',
        String(Math.log2(pieceLength)),
        '-a',
        'http://127.0.0.1:6969/announce',
        '-o',
        mk,
        treeDir,
      ]);
      const theirs = parseMetainfo(readFileSync(mk));
      expect(metainfo.pieceHashes.equals(theirs.pieceHashes)).toBe(true);
      expect(metainfo.infoHash).toBe(theirs.infoHash);
    });

    testWithTools('transmission-show', 'aria2c')('a single private file', async () => {
      const { torrent, metainfo } = await createTorrent(singleFile, {
        pieceLength,
        private: true,
        comment: 'ours',
      });
      const file = join(tmp.dir, `ours-single-${pieceLength}.torrent`);
      writeFileSync(file, torrent);
      expect(transmissionShow(file)).toEqual({
        infoHash: metainfo.infoHash,
        pieceCount: metainfo.pieceCount,
      });
      const aria = aria2Show(file);
      expect(aria.infoHash).toBe(metainfo.infoHash);
      expect(aria.files).toEqual([['single file.bin', singleContent.length]]);
      expect(run('transmission-show', [file])).toMatch(/Privacy: Private torrent/);
    });
  });
});
