import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { WireDecoder, encodeHandshake, encodeMessage, type Message } from '@swarmhub/wire';
import { INSIST_AFTER_MS } from '../src/first-copies.js';
import {
  hashTorrentData,
  loopbackSession,
  makeTorrent,
  tempDir,
  waitForDone,
} from './support/fixtures.js';
import { rawPeer, type RawPeer } from './support/raw-peer.js';

const BLOCK = 16384;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw leecher that has nothing, says so, and is unchoked by the seed. */
async function joinedLeecher(port: number, infoHash: Buffer, fast = true): Promise<RawPeer> {
  const peer = await rawPeer(port, infoHash, cleanups, { fast });
  await peer.waitFor(
    (m) => m.type === 'have-all' || m.type === 'bitfield',
    'the seed to say it has all',
  );
  if (fast) peer.send({ type: 'have-none' });
  peer.send({ type: 'interested' });
  await peer.waitFor((m) => m.type === 'unchoke', 'an unchoke');
  return peer;
}

function requestPiece(peer: RawPeer, index: number, blocks: number): void {
  for (let b = 0; b < blocks; b++)
    peer.send({ type: 'request', index, begin: b * BLOCK, length: BLOCK });
}

const pieceOf = (index: number) => (m: Message) => m.type === 'piece' && m.index === index;
const rejectOf = (index: number) => (m: Message) => m.type === 'reject' && m.index === index;

describe('a seed sends each piece once before it sends copies', () => {
  test('while some piece has no copy, requests for pieces that have one are turned away', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const seedDir = path.join(dir, 'seed');
    const { metainfo } = await makeTorrent(
      seedDir,
      'data.bin',
      { '': 8 * BLOCK },
      { pieceLength: BLOCK },
    );
    const seeder = await loopbackSession(path.join(dir, 'rs'), cleanups);
    await seeder.addTorrent({ metainfo, saveDir: seedDir, skipCheck: true });
    const hash = metainfo.infoHashBytes;
    const a = await joinedLeecher(seeder.peerPort, hash);
    const b = await joinedLeecher(seeder.peerPort, hash);
    const plain = await joinedLeecher(seeder.peerPort, hash, false);

    requestPiece(a, 0, 1);
    await a.waitFor(pieceOf(0), 'piece 0 for a');
    // a has the only copy of piece 0: b is told to ask for another piece, and gets that one.
    requestPiece(b, 0, 1);
    await b.waitFor(rejectOf(0), 'a reject of piece 0 for b');
    requestPiece(b, 1, 1);
    await b.waitFor(pieceOf(1), 'piece 1 for b');
    // A peer without the fast extension cannot be told, so it is served.
    requestPiece(plain, 0, 1);
    await plain.waitFor(pieceOf(0), 'piece 0 for the peer without the fast extension');
    // A client that asks again at once (aria2c does) gets the block, and is not turned away again.
    const eager = await joinedLeecher(seeder.peerPort, hash);
    requestPiece(eager, 0, 1);
    await eager.waitFor(rejectOf(0), 'a reject of piece 0 for the eager peer');
    requestPiece(eager, 0, 1);
    await eager.waitFor(pieceOf(0), 'piece 0 for the eager peer, asked again at once');
    requestPiece(eager, 1, 1);
    await eager.waitFor(pieceOf(1), 'piece 1 for the eager peer');
    expect(eager.messages.filter((m) => m.type === 'reject')).toHaveLength(1);
    // b asks for piece 0 again a second later: it insists, and gets it.
    await sleep(INSIST_AFTER_MS);
    requestPiece(b, 0, 1);
    await b.waitFor(pieceOf(0), 'piece 0 for b, asked again');

    const data = await readFile(path.join(seedDir, 'data.bin'));
    const got = b.messages.find(pieceOf(0));
    expect(got?.type === 'piece' && got.block.equals(data.subarray(0, BLOCK))).toBe(true);
    expect(a.messages.some((m) => m.type === 'reject')).toBe(false);
  });

  test('under an upload cap, queued first copies go out before copies', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const seedDir = path.join(dir, 'seed');
    const pieceLength = 2 * BLOCK;
    const { metainfo } = await makeTorrent(
      seedDir,
      'data.bin',
      { '': 32 * pieceLength },
      { pieceLength },
    );
    // 256 KiB/s with a second of burst: a's 960 KiB of first copies keep the cap busy ~2.75 s.
    const seeder = await loopbackSession(path.join(dir, 'rs'), cleanups, {
      uploadRateLimit: 256 * 1024,
    });
    await seeder.addTorrent({ metainfo, saveDir: seedDir, skipCheck: true });
    const hash = metainfo.infoHashBytes;
    const a = await joinedLeecher(seeder.peerPort, hash);
    const b = await joinedLeecher(seeder.peerPort, hash);

    for (let i = 0; i < 30; i++) requestPiece(a, i, 2);
    requestPiece(b, 0, 2);
    await b.waitFor(rejectOf(0), 'a reject of piece 0 for b');
    await sleep(INSIST_AFTER_MS);
    // b's queue: piece 0 (now a copy: b insists) ahead of pieces 30 and 31 (first copies).
    requestPiece(b, 0, 2);
    requestPiece(b, 30, 2);
    requestPiece(b, 31, 2);
    await b.waitFor(
      () => b.messages.filter((m) => m.type === 'piece').length === 6,
      'six blocks for b',
    );
    const order = b.messages.flatMap((m) => (m.type === 'piece' ? [m.index] : []));
    expect(order.slice(4)).toEqual([0, 0]);
    expect(order.slice(0, 4).sort()).toEqual([30, 30, 31, 31]);
    await a.waitFor(
      () => a.messages.filter((m) => m.type === 'piece').length === 60,
      'all of a’s blocks',
    );
  });
});

describe('a leecher turned away from a piece', () => {
  test('asks that peer for every other piece first, then again about once a second', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const seedDir = path.join(dir, 'seed');
    const pieceCount = 24;
    const { metainfo, dataPath } = await makeTorrent(
      seedDir,
      'data.bin',
      { '': pieceCount * BLOCK },
      { pieceLength: BLOCK },
    );
    const data = await readFile(dataPath);
    // A seed of raw messages that turns away the piece of the first request it gets for 1.5 s
    // (every request for it in that time), and serves everything else.
    const requested: number[] = [];
    let refused: number | undefined;
    let refusedAt = 0;
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      const decoder = new WireDecoder();
      socket.on('data', (chunk: Buffer) => {
        for (const e of decoder.push(chunk)) {
          if (e.type === 'handshake') {
            socket.write(
              encodeHandshake({
                infoHash: metainfo.infoHashBytes,
                peerId: Buffer.from('-XX0001-refuserrefus'),
                fast: true,
              }),
            );
            socket.write(encodeMessage({ type: 'have-all' }));
          } else if (e.type === 'interested') {
            socket.write(encodeMessage({ type: 'unchoke' }));
          } else if (e.type === 'request') {
            requested.push(e.index);
            if (refused === undefined || (e.index === refused && Date.now() - refusedAt < 1500)) {
              if (refused === undefined) refusedAt = Date.now();
              refused = e.index;
              socket.write(
                encodeMessage({ type: 'reject', index: e.index, begin: e.begin, length: e.length }),
              );
              continue;
            }
            const at = e.index * BLOCK + e.begin;
            socket.write(
              encodeMessage({
                type: 'piece',
                index: e.index,
                begin: e.begin,
                block: data.subarray(at, at + e.length),
              }),
            );
          }
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const leecher = await loopbackSession(path.join(dir, 'rl'), cleanups);
    const torrent = await leecher.addTorrent({ metainfo, saveDir: path.join(dir, 'out') });
    torrent.addPeers([{ ip: '127.0.0.1', port: (server.address() as net.AddressInfo).port }]);
    await waitForDone(torrent);

    expect(refused).toBeDefined();
    // Asked again about once a second while it kept refusing, not in a loop.
    expect(requested.filter((i) => i === refused).length).toBeLessThanOrEqual(3);
    const again = requested.indexOf(refused!, requested.indexOf(refused!) + 1);
    expect(again).toBeGreaterThan(0);
    // Every other piece was asked for before the refused one was asked for again.
    for (let i = 0; i < pieceCount; i++) {
      if (i !== refused) expect(requested.indexOf(i)).toBeLessThan(again);
    }
    expect(await hashTorrentData(path.join(dir, 'out'), metainfo)).toEqual(
      await hashTorrentData(seedDir, metainfo),
    );
  });
});
