import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { WireDecoder, encodeHandshake, encodeMessage } from '@swarmhub/wire';
import {
  hashTorrentData,
  loopbackSession,
  makeTorrent,
  tempDir,
  waitForDone,
} from './support/fixtures.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A peer that claims every piece, unchokes, and then never sends a single block. */
async function startBlackHole(
  infoHash: Buffer,
): Promise<{ port: number; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new WireDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const e of decoder.push(chunk)) {
        if (e.type === 'handshake') {
          socket.write(
            encodeHandshake({ infoHash, peerId: Buffer.from('-XX0001-blackholexxx'), fast: true }),
          );
          socket.write(encodeMessage({ type: 'have-all' }));
          socket.write(encodeMessage({ type: 'unchoke' }));
        } else if (e.type === 'request') requests++;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('a peer that never answers', () => {
  test('does not stall the download: its blocks are fetched from another peer', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const { metainfo } = await makeTorrent(path.join(dir, 'seed'), 'data.bin', { '': 1_500_000 });
    const seeder = await loopbackSession(path.join(dir, 'rs'), cleanups);
    const leecher = await loopbackSession(path.join(dir, 'rl'), cleanups);
    await seeder.addTorrent({ metainfo, saveDir: path.join(dir, 'seed') });
    const hole = await startBlackHole(metainfo.infoHashBytes);
    cleanups.push(() => hole.close());

    const torrent = await leecher.addTorrent({ metainfo, saveDir: path.join(dir, 'out') });
    torrent.addPeers([{ ip: '127.0.0.1', port: hole.port }]);
    // Let the silent peer take its share of requests before the honest seeder appears.
    while (hole.requests() === 0) await new Promise((r) => setTimeout(r, 20));
    torrent.addPeers([{ ip: '127.0.0.1', port: seeder.peerPort }]);
    await waitForDone(torrent);

    expect(hole.requests()).toBeGreaterThan(0);
    expect(await hashTorrentData(path.join(dir, 'out'), metainfo)).toEqual(
      await hashTorrentData(path.join(dir, 'seed'), metainfo),
    );
  });
});
