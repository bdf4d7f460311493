import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { WireDecoder, encodeHandshake, encodeMessage } from '@swarmhub/wire';
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

/** A peer that claims every piece and answers every request with random bytes. */
async function startLiar(
  infoHash: Buffer,
): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new WireDecoder();
    socket.on('data', (chunk: Buffer) => {
      let events;
      try {
        events = decoder.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const e of events) {
        if (e.type === 'handshake') {
          socket.write(
            encodeHandshake({ infoHash, peerId: Buffer.from('-XX0001-liarliarliar'), fast: true }),
          );
          socket.write(encodeMessage({ type: 'have-all' }));
        } else if (e.type === 'interested') {
          socket.write(encodeMessage({ type: 'unchoke' }));
        } else if (e.type === 'request') {
          socket.write(
            encodeMessage({
              type: 'piece',
              index: e.index,
              begin: e.begin,
              block: randomBytes(e.length),
            }),
          );
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('a peer that sends corrupt data', () => {
  test('is banned after failing pieces, and the download still completes with correct bytes', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const { metainfo } = await makeTorrent(path.join(dir, 'seed'), 'data.bin', { '': 2_000_000 });
    const seeder = await loopbackSession(path.join(dir, 'rs'), cleanups);
    const leecher = await loopbackSession(path.join(dir, 'rl'), cleanups);
    await seeder.addTorrent({ metainfo, saveDir: path.join(dir, 'seed') });
    const liar = await startLiar(metainfo.infoHashBytes);
    cleanups.push(() => liar.close());

    const torrent = await leecher.addTorrent({ metainfo, saveDir: path.join(dir, 'out') });
    const bans: string[] = [];
    let hashFailures = 0;
    torrent.on('ban', (key: string) => bans.push(key));
    torrent.on('hash-failure', () => hashFailures++);
    // The liar alone first, so it certainly sends pieces that fail; then an honest seeder.
    torrent.addPeers([{ ip: '127.0.0.1', port: liar.port }]);
    await waitForEvent(torrent, 'ban');
    torrent.addPeers([{ ip: '127.0.0.1', port: seeder.peerPort }]);
    await waitForDone(torrent);

    expect(bans).toEqual([`127.0.0.1:${liar.port}`]);
    expect(hashFailures).toBeGreaterThanOrEqual(2);
    expect(liar.connections()).toBe(1);
    expect(torrent.peers().some((p) => p.port === liar.port)).toBe(false);
    expect(await hashTorrentData(path.join(dir, 'out'), metainfo)).toEqual(
      await hashTorrentData(path.join(dir, 'seed'), metainfo),
    );
  });
});
