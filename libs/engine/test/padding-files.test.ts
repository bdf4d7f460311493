import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseMetainfo } from '@swarmhub/metainfo';
import { afterEach, describe, expect, test } from 'vitest';
import { makePaddedTorrent } from '../../../test-support/padded-torrent.js';
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
    const metainfo = parseMetainfo(
      await makePaddedTorrent(seedDir, 'padded', REAL_FILES, { pieceLength: PIECE_LENGTH }),
    );
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
