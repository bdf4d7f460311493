import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Session } from '../src/index.js';
import { hashTorrentData, makeTorrent, tempDir, waitForDone } from './support/fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function session(root: string, name: string): Promise<Session> {
  const s = await Session.create({
    resumeDir: path.join(root, name, 'resume'),
    peerPort: 0,
    listenHost: '127.0.0.1',
  });
  cleanups.push(() => s.close());
  return s;
}

describe('two sessions over real sockets', () => {
  test('a multi-file torrent moves from a seeder to a downloader with identical bytes', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const { metainfo } = await makeTorrent(path.join(dir, 'seed'), 'album', {
      'a.bin': 300_000,
      'sub/b.bin': 1_000_001,
      'sub/empty.txt': 0,
      'c.bin': 65_536,
    });
    const seeder = await session(dir, 's');
    const leecher = await session(dir, 'l');
    const seeding = await seeder.addTorrent({ metainfo, saveDir: path.join(dir, 'seed') });
    expect(seeding.stats().state).toBe('seeding');
    const downloading = await leecher.addTorrent({ metainfo, saveDir: path.join(dir, 'out') });
    expect(downloading.stats().state).toBe('downloading');
    downloading.addPeers([{ ip: '127.0.0.1', port: seeder.peerPort }]);
    await waitForDone(downloading);

    expect(await hashTorrentData(path.join(dir, 'out'), metainfo)).toEqual(
      await hashTorrentData(path.join(dir, 'seed'), metainfo),
    );
    const stats = downloading.stats();
    expect(stats.progress).toBe(1);
    expect(stats.piecesDone).toBe(metainfo.pieceCount);
    expect(downloading.sessionDownloaded).toBe(metainfo.totalLength);
    expect(seeding.sessionUploaded).toBeGreaterThanOrEqual(metainfo.totalLength);
    expect(downloading.files().every((f) => f.downloaded === f.length)).toBe(true);
  });
});

describe('pieces in progress', () => {
  test('a throttled download shows pieces in progress apart from done ones, none once complete', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const { metainfo } = await makeTorrent(
      path.join(dir, 'seed'),
      'slow.bin',
      { '': 1_000_000 },
      { pieceLength: 32768 },
    );
    const seeder = await session(dir, 's');
    const leecher = await session(dir, 'l');
    await seeder.addTorrent({ metainfo, saveDir: path.join(dir, 'seed') });
    const t = await leecher.addTorrent({ metainfo, saveDir: path.join(dir, 'out') });
    expect(t.inProgressBitfield()).toHaveLength(Math.ceil(metainfo.pieceCount / 8));
    expect(t.inProgressBitfield().every((byte) => byte === 0)).toBe(true);
    t.setLimits({ downloadRateLimit: 200 * 1024 });
    const samples: { done: Buffer; inProgress: Buffer }[] = [];
    t.on('piece', () => samples.push({ done: t.bitfield(), inProgress: t.inProgressBitfield() }));
    t.addPeers([{ ip: '127.0.0.1', port: seeder.peerPort }]);
    await waitForDone(t);

    expect(samples).toHaveLength(metainfo.pieceCount);
    for (const { done, inProgress } of samples) {
      expect(inProgress).toHaveLength(done.length);
      expect(inProgress.every((byte, i) => (byte & done[i]) === 0)).toBe(true);
    }
    const midway = samples.slice(0, -1);
    expect(midway.some(({ inProgress }) => inProgress.some((byte) => byte !== 0))).toBe(true);
    expect(t.inProgressBitfield().every((byte) => byte === 0)).toBe(true);
    expect(t.bitfield().equals(samples.at(-1)!.done)).toBe(true);
  });
});

describe('sequential download', () => {
  test('pieces are fetched in order, within a window of 32 ahead of the first missing piece', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const { metainfo } = await makeTorrent(
      path.join(dir, 'seed'),
      'movie.bin',
      { '': 3_000_000 },
      { pieceLength: 16384 },
    );
    const seeder = await session(dir, 's');
    const leecher = await session(dir, 'l');
    await seeder.addTorrent({ metainfo, saveDir: path.join(dir, 'seed') });
    const t = await leecher.addTorrent({
      metainfo,
      saveDir: path.join(dir, 'out'),
      sequential: true,
    });
    const order: number[] = [];
    t.on('piece', (i: number) => order.push(i));
    t.addPeers([{ ip: '127.0.0.1', port: seeder.peerPort }]);
    await waitForDone(t);
    expect(order).toHaveLength(metainfo.pieceCount);
    const done = new Set<number>();
    for (const i of order) {
      let firstMissing = 0;
      while (done.has(firstMissing)) firstMissing++;
      expect(i).toBeLessThan(firstMissing + 32);
      done.add(i);
    }
  });
});
