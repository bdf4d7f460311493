import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encode, type BDict } from '@swarmhub/bencode';
import { parseMetainfo, type Metainfo } from '@swarmhub/metainfo';
import { afterEach, describe, expect, test } from 'vitest';
import { loopbackSession, sha256File, tempDir, waitForDone } from './support/fixtures.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const PIECE_LENGTH = 16 * 1024;
/** a.bin and sub/b.bin end 7,232 bytes into a piece, so both get a `.pad/9152`, as libtorrent names it. */
const REAL_FILES: [string, number][] = [
  ['a.bin', 2 * PIECE_LENGTH + 7_232],
  ['sub/b.bin', 4 * PIECE_LENGTH + 7_232],
  ['c.txt', 5],
];

/**
 * The torrent libtorrent 2 would make of REAL_FILES (written under `root/padded`): a padding entry
 * after every file but the last, pieces hashed with zeros in the padding. No .pad file is on disk.
 */
async function makePaddedTorrent(root: string): Promise<Metainfo> {
  const entries: BDict[] = [];
  const content: Buffer[] = [];
  for (const [i, [rel, size]] of REAL_FILES.entries()) {
    const data = randomBytes(size);
    const file = path.join(root, 'padded', rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data);
    entries.push({ length: size, path: rel.split('/').map((c) => Buffer.from(c)) });
    content.push(data);
    const pad = (PIECE_LENGTH - (size % PIECE_LENGTH)) % PIECE_LENGTH;
    if (i < REAL_FILES.length - 1 && pad > 0) {
      entries.push({
        attr: Buffer.from('p'),
        length: pad,
        path: ['.pad', String(pad)].map((c) => Buffer.from(c)),
      });
      content.push(Buffer.alloc(pad));
    }
  }
  const all = Buffer.concat(content);
  const hashes: Buffer[] = [];
  for (let offset = 0; offset < all.length; offset += PIECE_LENGTH) {
    hashes.push(
      createHash('sha1')
        .update(all.subarray(offset, offset + PIECE_LENGTH))
        .digest(),
    );
  }
  const info: BDict = {
    files: entries,
    name: Buffer.from('padded'),
    'piece length': PIECE_LENGTH,
    pieces: Buffer.concat(hashes),
  };
  return parseMetainfo(encode({ info }));
}

/** Every file under dir, relative, '/'-separated, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const found = await readdir(dir, { recursive: true, withFileTypes: true });
  return found
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

describe('BEP 47 padding files', () => {
  test('a padded torrent goes from our seed to our leecher over TCP with no .pad file anywhere', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const seedDir = path.join(dir, 'seed');
    const outDir = path.join(dir, 'out');
    const metainfo = await makePaddedTorrent(seedDir);
    expect(metainfo.files.filter((f) => f.padding).map((f) => f.path.join('/'))).toEqual([
      'padded/.pad/9152',
      'padded/.pad/9152',
    ]);
    const realPaths = REAL_FILES.map(([rel]) => `padded/${rel}`);

    const seeder = await loopbackSession(path.join(dir, 'rs'), cleanups);
    const leecher = await loopbackSession(path.join(dir, 'rl'), cleanups);
    const seeding = await seeder.addTorrent({ metainfo, saveDir: seedDir });
    // The check on add found every piece: the padding read as zeros without being on disk.
    expect(seeding.stats().state).toBe('seeding');
    const downloading = await leecher.addTorrent({ metainfo, saveDir: outDir });
    downloading.addPeers([{ ip: '127.0.0.1', port: seeder.peerPort }]);
    await waitForDone(downloading);

    expect(await listFiles(outDir)).toEqual([...realPaths].sort());
    expect(await listFiles(seedDir)).toEqual([...realPaths].sort());
    for (const rel of realPaths) {
      expect(await sha256File(path.join(outDir, rel))).toBe(
        await sha256File(path.join(seedDir, rel)),
      );
    }
    for (const torrent of [seeding, downloading]) {
      expect(torrent.files()).toEqual(
        REAL_FILES.map(([rel, size]) => ({
          path: `padded/${rel}`,
          length: size,
          downloaded: size,
        })),
      );
    }
    expect(downloading.stats().progress).toBe(1);

    await downloading.recheck();
    expect(downloading.stats()).toMatchObject({
      state: 'seeding',
      piecesDone: metainfo.pieceCount,
    });
    expect(await listFiles(outDir)).toEqual([...realPaths].sort());

    await leecher.removeTorrent(metainfo.infoHash, { deleteData: true });
    expect(await readdir(outDir)).toEqual([]);
  });
});
