import { describe, expect, test } from 'vitest';
import { WireDecoder, encodeHandshake, encodeMessage, type Message } from '@swarmhub/wire';
import { PeerConnection } from '../src/index.js';
import { duplexPair } from './support/duplex-pair.js';

const infoHash = Buffer.alloc(20, 7);
const ourId = Buffer.from('-SH0100-aaaaaaaaaaaa');
const theirId = Buffer.from('-XX0001-bbbbbbbbbbbb');

/** Our PeerConnection on one end; a raw wire on the other that the test drives byte by byte. */
function setup(options: { fast?: boolean } = {}) {
  const [ours, theirs] = duplexPair();
  const conn = new PeerConnection({
    stream: ours,
    address: '10.0.0.2',
    port: 6881,
    outgoing: true,
    peerId: ourId,
    infoHash,
  });
  const decoder = new WireDecoder({ maxMessageLength: 1 << 20 });
  const received: ReturnType<WireDecoder['push']> = [];
  theirs.on('data', (c: Buffer) => received.push(...decoder.push(c)));
  const send = (m: Message) => theirs.write(encodeMessage(m));
  const handshake = () =>
    theirs.write(
      encodeHandshake({ infoHash, peerId: theirId, extensions: true, fast: options.fast ?? true }),
    );
  return { conn, theirs, received, send, handshake };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('PeerConnection over an in-memory pair', () => {
  test('exchanges handshakes and learns the peer id and its extensions', async () => {
    const { conn, received, handshake } = setup();
    const seen: Buffer[] = [];
    conn.on('handshake', (h: { peerId: Buffer }) => seen.push(h.peerId));
    conn.sendHandshake(infoHash);
    handshake();
    await tick();
    expect(received[0]).toMatchObject({ type: 'handshake' });
    expect(seen[0]!.equals(theirId)).toBe(true);
    expect(conn.supportsFast).toBe(true);
    expect(conn.supportsExtensions).toBe(true);
    expect(conn.handshakeDone).toBe(true);
    conn.close();
  });

  test('a handshake for another torrent closes the connection', async () => {
    const { conn, theirs } = setup();
    conn.sendHandshake(infoHash);
    theirs.write(encodeHandshake({ infoHash: Buffer.alloc(20, 9), peerId: theirId }));
    await tick();
    expect(conn.closed).toBe(true);
    expect(conn.closeReason).toMatch(/another torrent/);
  });

  test('tracks the four choke and interest flags from both sides', async () => {
    const { conn, received, send, handshake } = setup();
    conn.sendHandshake(infoHash);
    handshake();
    expect(conn.peerChoking && conn.amChoking && !conn.peerInterested && !conn.amInterested).toBe(
      true,
    );
    send({ type: 'unchoke' });
    send({ type: 'interested' });
    await tick();
    expect(conn.peerChoking).toBe(false);
    expect(conn.peerInterested).toBe(true);
    conn.send({ type: 'interested' });
    conn.send({ type: 'unchoke' });
    await tick();
    expect(conn.amInterested && !conn.amChoking).toBe(true);
    expect(received.map((e) => e.type)).toEqual(['handshake', 'interested', 'unchoke']);
    conn.close();
  });

  test('delivers requested blocks, drops unrequested ones, and hands rejected requests back', async () => {
    const { conn, received, send, handshake } = setup();
    conn.sendHandshake(infoHash);
    handshake();
    const blocks: [number, number, number][] = [];
    const dropped: unknown[] = [];
    conn.on('block', (i: number, b: number, data: Buffer) => blocks.push([i, b, data.length]));
    conn.on('requests-dropped', (d: unknown[]) => dropped.push(...d));
    conn.request([
      { index: 0, begin: 0, length: 16384 },
      { index: 0, begin: 16384, length: 16384 },
    ]);
    await tick();
    expect(received.filter((e) => e.type === 'request')).toHaveLength(2);
    send({ type: 'piece', index: 0, begin: 0, block: Buffer.alloc(16384, 1) });
    send({ type: 'piece', index: 5, begin: 0, block: Buffer.alloc(16384, 1) }); // never asked for
    send({ type: 'reject', index: 0, begin: 16384, length: 16384 });
    await tick();
    expect(blocks).toEqual([[0, 0, 16384]]);
    expect(dropped).toEqual([{ index: 0, begin: 16384, length: 16384 }]);
    expect(conn.outstanding.size).toBe(0);
    conn.close();
  });

  test('without the fast extension a choke hands every pending request back; a reject is a protocol error', async () => {
    const { conn, send, handshake } = setup({ fast: false });
    conn.sendHandshake(infoHash);
    handshake();
    const dropped: unknown[] = [];
    conn.on('requests-dropped', (d: unknown[]) => dropped.push(...d));
    conn.request([{ index: 1, begin: 0, length: 16384 }]);
    send({ type: 'choke' });
    await tick();
    expect(dropped).toHaveLength(1);
    send({ type: 'reject', index: 1, begin: 0, length: 16384 });
    await tick();
    expect(conn.closed).toBe(true);
    expect(conn.closeReason).toMatch(/protocol error/);
  });

  test('requests that go unanswered time out and are handed back', async () => {
    const { conn, received, handshake } = setup();
    conn.sendHandshake(infoHash);
    handshake();
    conn.request([{ index: 2, begin: 0, length: 16384 }]);
    const later = Date.now() + 60_000;
    const timedOut = conn.takeTimedOut(20_000, later);
    expect(timedOut).toEqual([{ index: 2, begin: 0, length: 16384 }]);
    await tick();
    expect(received.some((e) => e.type === 'cancel')).toBe(true);
    conn.close();
  });

  test('garbage instead of a handshake disconnects the peer without throwing', async () => {
    const { conn, theirs } = setup();
    const closed = new Promise((r) => conn.once('close', r));
    theirs.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.padEnd(80, 'x')));
    await closed;
    expect(conn.closeReason).toMatch(/protocol error/);
  });

  test('a message beyond the length limit disconnects the peer', async () => {
    const { conn, theirs, handshake } = setup();
    conn.sendHandshake(infoHash);
    handshake();
    const huge = Buffer.alloc(5);
    huge.writeUInt32BE(50 * 1024 * 1024, 0);
    huge[4] = 7;
    theirs.write(huge);
    await tick();
    expect(conn.closed).toBe(true);
  });

  test('the pipeline grows with the peer rate and respects its reqq', () => {
    const { conn } = setup();
    expect(conn.pipelineDepth()).toBe(16);
    conn.downloadMeter.add(50 * 1024 * 1024);
    expect(conn.pipelineDepth()).toBeGreaterThan(16);
    conn.remoteExtended = { m: {}, reqq: 40 };
    expect(conn.pipelineDepth()).toBe(40);
    conn.close();
  });

  test('under a download limit the pipeline holds about two seconds of the limit, not of a burst', () => {
    const { conn } = setup();
    conn.downloadMeter.add(50 * 1024 * 1024);
    expect(conn.pipelineDepth()).toBeGreaterThan(200);
    // 256 KiB/s for two seconds is 32 blocks of 16 KiB.
    expect(conn.pipelineDepth(256 * 1024)).toBe(32);
    // The floor keeps a limited peer from going stop-and-wait.
    expect(conn.pipelineDepth(16 * 1024)).toBe(16);
    conn.close();
  });
});
