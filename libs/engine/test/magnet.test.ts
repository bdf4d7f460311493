import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { magnetFromMetainfo, parseMagnet, type Metainfo } from '@swarmhub/metainfo';
import { ResumeStore } from '../src/index.js';
import {
  loopbackSession,
  hashTorrentData,
  makeTorrent,
  tempDir,
  waitForDone,
  waitForEvent,
} from './support/fixtures.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('magnet links (BEP 9 ut_metadata)', () => {
  test('a download from a magnet link alone fetches the metadata from our seeder, then the data', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    // Many files make an info dictionary of several 16 KiB metadata pieces.
    const files: Record<string, number> = {};
    for (let i = 0; i < 700; i++)
      files[`dir-${i % 7}/file-with-a-long-name-${i}.bin`] = 1000 + i * 37;
    const { metainfo } = await makeTorrent(path.join(dir, 'seed'), 'many', files, {
      pieceLength: 16384,
    });
    expect(metainfo.info.length).toBeGreaterThan(2 * 16384);

    const seeder = await loopbackSession(path.join(dir, 'rs'), cleanups);
    const leecher = await loopbackSession(path.join(dir, 'rl'), cleanups);
    await seeder.addTorrent({ metainfo, saveDir: path.join(dir, 'seed') });

    const magnet = parseMagnet(magnetFromMetainfo(metainfo));
    const torrent = await leecher.addTorrent({ magnet, saveDir: path.join(dir, 'out') });
    expect(torrent.stats().state).toBe('metadata');
    expect(torrent.metainfo).toBeUndefined();
    const gotMetadata = waitForEvent<Metainfo>(torrent, 'metadata');
    torrent.addPeers([{ ip: '127.0.0.1', port: seeder.peerPort }]);
    const fetched = await gotMetadata;
    expect(fetched.infoHash).toBe(metainfo.infoHash);
    expect(fetched.info.equals(metainfo.info)).toBe(true);
    await waitForDone(torrent);

    expect(await hashTorrentData(path.join(dir, 'out'), metainfo)).toEqual(
      await hashTorrentData(path.join(dir, 'seed'), metainfo),
    );
    // The fetched metadata is kept as a .torrent for a restart.
    const saved = await new ResumeStore(path.join(dir, 'rl')).loadTorrentFile(metainfo.infoHash);
    expect(saved?.includes(metainfo.info)).toBe(true);
  });
});
