import net from 'node:net';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { encodeHandshake } from '@swarmhub/wire';
import { DuplicateTorrentError, PEER_ID_PREFIX, Session } from '../src/index.js';
import { hashTorrentData, makeTorrent, tempDir, waitForDone } from './support/fixtures.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function newSession(
  dir: string,
  name: string,
  extra: Partial<Parameters<typeof Session.create>[0]> = {},
) {
  const s = await Session.create({
    resumeDir: path.join(dir, name),
    peerPort: 0,
    listenHost: '127.0.0.1',
    ...extra,
  });
  cleanups.push(() => s.close());
  return s;
}

describe('Session', () => {
  test('takes the next free port when the asked one is taken, and has a -SH0100- peer id', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => blocker.close(r)));
    const taken = (blocker.address() as net.AddressInfo).port;
    const s = await newSession(dir, 'r', { peerPort: taken });
    expect(s.peerPort).toBeGreaterThan(taken);
    expect(s.peerId.subarray(0, 8).toString()).toBe(PEER_ID_PREFIX);
    expect(s.peerId.length).toBe(20);
  });

  test('an incoming handshake for an unknown torrent is closed', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const s = await newSession(dir, 'r');
    const socket = net.connect(s.peerPort, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(encodeHandshake({ infoHash: Buffer.alloc(20, 1), peerId: Buffer.alloc(20, 2) }));
    await new Promise((r) => socket.once('close', r));
    expect(socket.destroyed).toBe(true);
  });

  test('adding a torrent twice throws DuplicateTorrentError carrying the first one', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const { metainfo } = await makeTorrent(path.join(dir, 'seed'), 'x.bin', { '': 50_000 });
    const s = await newSession(dir, 'r');
    const first = await s.addTorrent({ metainfo, saveDir: path.join(dir, 'seed') });
    const err = await s
      .addTorrent({ metainfo, saveDir: path.join(dir, 'seed') })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DuplicateTorrentError);
    expect((err as DuplicateTorrentError).torrent).toBe(first);
    expect(s.getTorrent(metainfo.infoHash)).toBe(first);
    expect(s.torrents()).toHaveLength(1);
  });

  test('pause stops a download, resume finishes it; remove with deleteData deletes the files', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const { metainfo } = await makeTorrent(path.join(dir, 'seed'), 'p.bin', { '': 3_000_000 });
    const seeder = await newSession(dir, 'rs');
    const leecher = await newSession(dir, 'rl');
    await seeder.addTorrent({ metainfo, saveDir: path.join(dir, 'seed') });
    const t = await leecher.addTorrent({ metainfo, saveDir: path.join(dir, 'out'), paused: true });
    expect(t.stats().state).toBe('paused');
    t.addPeers([{ ip: '127.0.0.1', port: seeder.peerPort }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(t.stats().downloaded).toBe(0);
    await t.resume();
    await waitForDone(t);
    expect(await hashTorrentData(path.join(dir, 'out'), metainfo)).toEqual(
      await hashTorrentData(path.join(dir, 'seed'), metainfo),
    );
    await leecher.removeTorrent(metainfo.infoHash, { deleteData: true });
    expect(existsSync(path.join(dir, 'out', 'p.bin'))).toBe(false);
    expect(leecher.getTorrent(metainfo.infoHash)).toBeUndefined();
  });

  test('recheck finds a corrupted piece on disk, and the torrent fetches it again', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const { metainfo } = await makeTorrent(path.join(dir, 'seed'), 'r.bin', { '': 500_000 });
    const seeder = await newSession(dir, 'rs');
    const leecher = await newSession(dir, 'rl');
    await seeder.addTorrent({ metainfo, saveDir: path.join(dir, 'seed') });
    const t = await leecher.addTorrent({ metainfo, saveDir: path.join(dir, 'out') });
    t.addPeers([{ ip: '127.0.0.1', port: seeder.peerPort }]);
    await waitForDone(t);
    const { open } = await import('node:fs/promises');
    const fh = await open(path.join(dir, 'out', 'r.bin'), 'r+');
    await fh.write(Buffer.from('corrupt!'), 0, 8, 100_000);
    await fh.close();
    await t.recheck();
    expect(t.stats().piecesDone).toBe(metainfo.pieceCount - 1);
    t.addPeers([{ ip: '127.0.0.1', port: seeder.peerPort }]);
    await waitForDone(t);
    expect(await hashTorrentData(path.join(dir, 'out'), metainfo)).toEqual(
      await hashTorrentData(path.join(dir, 'seed'), metainfo),
    );
  });

  test('a download rate limit keeps the measured rate near the limit', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const { metainfo } = await makeTorrent(path.join(dir, 'seed'), 'l.bin', { '': 4_000_000 });
    const seeder = await newSession(dir, 'rs');
    const leecher = await newSession(dir, 'rl', { downloadRateLimit: 256 * 1024 });
    await seeder.addTorrent({ metainfo, saveDir: path.join(dir, 'seed') });
    const t = await leecher.addTorrent({ metainfo, saveDir: path.join(dir, 'out') });
    t.addPeers([{ ip: '127.0.0.1', port: seeder.peerPort }]);
    const samples: number[] = [];
    const timer = setInterval(() => samples.push(t.stats().downloadRate), 500);
    await new Promise((r) => setTimeout(r, 3000));
    clearInterval(timer);
    // One second of burst is allowed; beyond that the rate stays close to the cap.
    expect(t.stats().downloaded).toBeLessThan(256 * 1024 * 5);
    expect(t.stats().downloaded).toBeGreaterThan(0);
    leecher.setLimits({ downloadRateLimit: 0 });
    await waitForDone(t);
    expect(samples.length).toBeGreaterThan(0);
  });
});
