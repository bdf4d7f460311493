import { createHash, randomBytes } from 'node:crypto';
import { Duplex, PassThrough, Transform, type TransformCallback } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  allowedFastSet,
  decodeExtendedHandshake,
  decodeMetadataMessage,
  encodeExtendedHandshake,
  encodeHandshake,
  encodeMessage,
  encodeMetadataMessage,
  encodePieceHeader,
  supportsExtensions,
  supportsFast,
  WireDecoder,
  WireError,
  type Message,
  type WireEvent,
} from '../src/index.js';

/** Re-cuts every chunk at pseudo-random points, so messages reach the decoder split anywhere. */
class Rechunker extends Transform {
  private state: number;
  constructor(seed: number) {
    super();
    this.state = seed;
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let offset = 0;
    while (offset < chunk.length) {
      this.state = (this.state * 1103515245 + 12345) & 0x7fffffff;
      const size = 1 + (this.state % 3000);
      this.push(chunk.subarray(offset, offset + size));
      offset += size;
    }
    done();
  }
}

/** Two connected in-memory ends, like a socket pair, without any socket. */
function duplexPair(): [Duplex, Duplex] {
  const aToB = new Rechunker(1);
  const bToA = new Rechunker(2);
  return [
    Duplex.from({ writable: aToB, readable: bToA }),
    Duplex.from({ writable: bToA, readable: aToB }),
  ];
}

/**
 * One side of a connection: encodes what it sends, decodes what it receives, drops the peer on a
 * violation. A failed expectation inside a handler is handed to `onFailure` so the test fails
 * with it instead of an uncaught exception in a stream callback.
 */
class Endpoint {
  readonly decoder: WireDecoder;
  error: WireError | undefined;
  constructor(
    readonly stream: Duplex,
    pieceCount: number,
    onEvent: (event: WireEvent) => void,
    onFailure: (error: unknown) => void = () => {},
  ) {
    this.decoder = new WireDecoder({ pieceCount });
    stream.on('error', () => {});
    stream.on('data', (chunk: Buffer) => {
      if (this.error) return;
      let events: WireEvent[];
      try {
        events = this.decoder.push(chunk);
      } catch (error) {
        this.error = error as WireError;
        stream.destroy();
        return;
      }
      try {
        for (const event of events) onEvent(event);
      } catch (error) {
        onFailure(error);
      }
    });
  }
  send(message: Message): void {
    this.stream.write(encodeMessage(message));
  }
}

const PIECE_LENGTH = 32 * 1024;
const BLOCK = 16 * 1024;
const UT_METADATA_AT_SEEDER = 3;
const UT_METADATA_AT_LEECHER = 7;

describe('two wire endpoints over an in-memory stream pair', () => {
  it('handshake, extensions, metadata, fast set and a whole transfer with identical bytes', async () => {
    const data = randomBytes(5 * PIECE_LENGTH + 10_000);
    const pieceCount = Math.ceil(data.length / PIECE_LENGTH);
    const metadata = randomBytes(20_000); // stands in for an info dictionary: two ut_metadata pieces
    const infoHash = createHash('sha1').update(metadata).digest();
    const seederId = Buffer.from('-SH0100-seederseeder', 'latin1');
    const leecherId = Buffer.from('-SH0100-leecherleech', 'latin1');
    const [seederStream, leecherStream] = duplexPair();

    let fail: (error: unknown) => void = () => {};
    const failed = new Promise<never>((_resolve, reject) => (fail = reject));
    const fastSet = allowedFastSet('127.0.0.1', infoHash, pieceCount, 3);
    let leecherMetadataId = -1;
    const seeder = new Endpoint(
      seederStream,
      pieceCount,
      (event) => {
        switch (event.type) {
          case 'handshake':
            expect(event.handshake.infoHash).toEqual(infoHash);
            expect(event.handshake.peerId).toEqual(leecherId);
            seeder.send({
              type: 'extended',
              id: 0,
              payload: encodeExtendedHandshake({
                m: { ut_metadata: UT_METADATA_AT_SEEDER },
                metadataSize: metadata.length,
                v: 'Swarmhub 0.1.0',
              }),
            });
            seeder.send({ type: 'have-all' });
            for (const index of fastSet) seeder.send({ type: 'allowed-fast', index });
            break;
          case 'extended': {
            if (event.id === 0) {
              leecherMetadataId = decodeExtendedHandshake(event.payload).m.ut_metadata;
              break;
            }
            expect(event.id).toBe(UT_METADATA_AT_SEEDER);
            const request = decodeMetadataMessage(event.payload);
            expect(request.msgType).toBe(0);
            const start = request.piece * BLOCK;
            const payload = encodeMetadataMessage({
              msgType: 1,
              piece: request.piece,
              totalSize: metadata.length,
              data: metadata.subarray(start, start + BLOCK),
            });
            seeder.send({ type: 'extended', id: leecherMetadataId, payload });
            break;
          }
          case 'interested':
            seeder.send({ type: 'unchoke' });
            break;
          case 'request': {
            const start = event.index * PIECE_LENGTH + event.begin;
            // Header and block written separately, as the engine does to avoid copying blocks.
            seederStream.write(encodePieceHeader(event.index, event.begin, event.length));
            seederStream.write(data.subarray(start, start + event.length));
            break;
          }
          case 'not-interested':
            seederStream.end();
            break;
        }
      },
      fail,
    );

    const received = Buffer.alloc(data.length);
    const receivedBlocks = new Set<string>();
    const metadataPieces: Buffer[] = [];
    const allowedFastSeen: number[] = [];
    let blocksOutstanding = 0;
    const done = new Promise<void>((resolve, reject) => {
      leecherStream.on('error', reject);
      leecherStream.on('end', resolve);
    });
    const leecher = new Endpoint(
      leecherStream,
      pieceCount,
      (event) => {
        switch (event.type) {
          case 'handshake':
            expect(event.handshake.peerId).toEqual(seederId);
            expect(supportsExtensions(event.handshake.reserved)).toBe(true);
            expect(supportsFast(event.handshake.reserved)).toBe(true);
            break;
          case 'extended': {
            if (event.id === 0) {
              const handshake = decodeExtendedHandshake(event.payload);
              expect(handshake.metadataSize).toBe(metadata.length);
              leecher.send({
                type: 'extended',
                id: 0,
                payload: encodeExtendedHandshake({ m: { ut_metadata: UT_METADATA_AT_LEECHER } }),
              });
              for (const piece of [0, 1]) {
                leecher.send({
                  type: 'extended',
                  id: handshake.m.ut_metadata,
                  payload: encodeMetadataMessage({ msgType: 0, piece }),
                });
              }
            } else {
              const message = decodeMetadataMessage(event.payload);
              if (message.msgType === 1) metadataPieces[message.piece] = Buffer.from(message.data);
            }
            break;
          }
          case 'have-all':
            leecher.send({ type: 'interested' });
            break;
          case 'allowed-fast':
            allowedFastSeen.push(event.index);
            break;
          case 'unchoke': {
            // The whole pipeline at once: never stop-and-wait.
            for (let index = 0; index < pieceCount; index++) {
              const size = Math.min(PIECE_LENGTH, data.length - index * PIECE_LENGTH);
              for (let begin = 0; begin < size; begin += BLOCK) {
                leecher.send({
                  type: 'request',
                  index,
                  begin,
                  length: Math.min(BLOCK, size - begin),
                });
                blocksOutstanding++;
              }
            }
            break;
          }
          case 'piece': {
            event.block.copy(received, event.index * PIECE_LENGTH + event.begin);
            receivedBlocks.add(`${event.index}/${event.begin}`);
            if (--blocksOutstanding === 0) {
              leecher.send({ type: 'have', index: pieceCount - 1 });
              leecher.send({ type: 'not-interested' });
            }
            break;
          }
        }
      },
      fail,
    );

    seederStream.write(
      encodeHandshake({ infoHash, peerId: seederId, extensions: true, fast: true }),
    );
    leecherStream.write(
      encodeHandshake({ infoHash, peerId: leecherId, extensions: true, fast: true }),
    );
    await Promise.race([done, failed]);

    expect(seeder.error).toBeUndefined();
    expect(leecher.error).toBeUndefined();
    expect(receivedBlocks.size).toBe(5 * 2 + 1);
    expect(createHash('sha256').update(received).digest('hex')).toBe(
      createHash('sha256').update(data).digest('hex'),
    );
    expect(Buffer.concat(metadataPieces)).toEqual(metadata);
    expect(allowedFastSeen).toEqual(allowedFastSet('127.0.0.1', infoHash, pieceCount, 3));
  });

  it('a peer that breaks the protocol is dropped', async () => {
    const [a, b] = duplexPair();
    a.on('error', () => {});
    const events: WireEvent[] = [];
    const endpoint = new Endpoint(b, 10, (event) => events.push(event));
    const closed = new Promise<void>((resolve) => b.on('close', resolve));
    a.write(encodeHandshake({ infoHash: Buffer.alloc(20, 1), peerId: Buffer.alloc(20, 2) }));
    a.write(encodeMessage({ type: 'have', index: 9 }));
    a.write(Buffer.from([0, 0, 0, 5, 4, 0, 0, 0, 10])); // have 10 in a 10-piece torrent
    await closed;
    expect(endpoint.error?.code).toBe('BAD_PIECE_INDEX');
    // Events decoded from the same chunk as the violation are discarded with the peer.
    expect(events.length).toBeLessThanOrEqual(2);
    expect(b.destroyed).toBe(true);
    a.destroy();
  });

  it('PassThrough-based pairs deliver many small writes as one stream of events', () => {
    const stream = new PassThrough();
    const decoder = new WireDecoder({ handshake: false });
    const events: WireEvent[] = [];
    stream.on('data', (chunk: Buffer) => events.push(...decoder.push(chunk)));
    for (let index = 0; index < 1000; index++) stream.write(encodeMessage({ type: 'have', index }));
    stream.end();
    expect(events).toHaveLength(1000);
    expect(events[999]).toEqual({ type: 'have', index: 999 });
  });
});
