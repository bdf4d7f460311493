import { describe, expect, it } from 'vitest';
import {
  encodeHandshake,
  encodeMessage,
  WireDecoder,
  WireError,
  type Message,
  type WireDecoderOptions,
  type WireEvent,
} from '../src/index.js';
import { expectWireError, hex } from './support.js';

const infoHash = Buffer.alloc(20, 0xaa);
const peerId = Buffer.from('-TR3000-xxxxxxxxxxxx', 'latin1');
const handshake = encodeHandshake({ infoHash, peerId, extensions: true, fast: true });

function decodeAll(chunks: Buffer[], options?: WireDecoderOptions): WireEvent[] {
  const decoder = new WireDecoder(options);
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

/** Every way of cutting the stream in two, plus one byte at a time. */
function splits(stream: Buffer): Buffer[][] {
  const out: Buffer[][] = [[stream]];
  for (let cut = 0; cut <= stream.length; cut++)
    out.push([stream.subarray(0, cut), stream.subarray(cut)]);
  out.push([...stream].map((byte) => Buffer.from([byte])));
  return out;
}

const conversation: Message[] = [
  { type: 'bitfield', bitfield: hex('ffe0') },
  { type: 'keep-alive' },
  { type: 'have-all' },
  { type: 'have-none' },
  { type: 'extended', id: 0, payload: Buffer.from('d1:md11:ut_metadatai3eee', 'latin1') },
  { type: 'interested' },
  { type: 'unchoke' },
  { type: 'allowed-fast', index: 4 },
  { type: 'suggest', index: 2 },
  { type: 'request', index: 1, begin: 0, length: 16384 },
  { type: 'piece', index: 1, begin: 16384, block: Buffer.alloc(300, 0x5a) },
  { type: 'cancel', index: 1, begin: 0, length: 16384 },
  { type: 'reject', index: 1, begin: 0, length: 16384 },
  { type: 'have', index: 10 },
  { type: 'port', port: 51413 },
  { type: 'not-interested' },
  { type: 'choke' },
];

describe('WireDecoder', () => {
  const stream = Buffer.concat([handshake, ...conversation.map(encodeMessage)]);
  const expected: WireEvent[] = [
    {
      type: 'handshake',
      handshake: { reserved: hex('0000000000100004'), infoHash, peerId },
    },
    ...conversation,
  ];

  it('decodes a whole conversation identically however the bytes are split', () => {
    for (const chunks of splits(stream)) {
      expect(decodeAll(chunks, { pieceCount: 11 })).toEqual(expected);
    }
  });

  it('decodes hand-written bytes of a request and a piece', () => {
    const bytes = hex(
      '0000000d 06 00000002 00004000 00004000   0000000b 07 00000002 00008000 0102',
    );
    expect(decodeAll([bytes], { handshake: false })).toEqual([
      { type: 'request', index: 2, begin: 16384, length: 16384 },
      { type: 'piece', index: 2, begin: 32768, block: hex('0102') },
    ]);
  });

  it('returns nothing until a message is complete', () => {
    const decoder = new WireDecoder({ handshake: false });
    expect(decoder.push(hex('00000005 04 0000'))).toEqual([]);
    expect(decoder.bufferedBytes()).toBe(7);
    expect(decoder.push(hex('0001'))).toEqual([{ type: 'have', index: 1 }]);
    expect(decoder.bufferedBytes()).toBe(0);
  });

  it('accepts a full 16 KiB block by default and a 128 KiB one when allowed', () => {
    const block16 = Buffer.alloc(16384, 1);
    const piece16 = encodeMessage({ type: 'piece', index: 0, begin: 0, block: block16 });
    expect(decodeAll([piece16], { handshake: false })).toHaveLength(1);
    const block128 = Buffer.alloc(128 * 1024, 2);
    const piece128 = encodeMessage({ type: 'piece', index: 0, begin: 0, block: block128 });
    expectWireError(() => decodeAll([piece128], { handshake: false }), 'MESSAGE_TOO_LONG');
    const events = decodeAll([piece128], { handshake: false, maxMessageLength: 128 * 1024 + 13 });
    expect(events).toEqual([{ type: 'piece', index: 0, begin: 0, block: block128 }]);
  });

  it('rejects an oversized message from its length prefix alone, before buffering it', () => {
    const decoder = new WireDecoder({ handshake: false });
    expectWireError(() => decoder.push(hex('7fffffff')), 'MESSAGE_TOO_LONG');
    const second = new WireDecoder({ handshake: false });
    expectWireError(() => second.push(hex('00100000 07')), 'MESSAGE_TOO_LONG');
  });

  it.each([
    ['have of 4 bytes', '00000004 04 000000'],
    ['have of 6 bytes', '00000006 04 0000000000'],
    ['choke with a payload', '00000002 00 00'],
    ['request of 12 bytes', '0000000c 06 00000000 00000000 000000'],
    ['port of 2 bytes', '00000002 09 00'],
    ['have-all with a payload', '00000002 0e 00'],
    ['piece without offset', '00000005 07 00000000'],
    ['extended without id', '00000001 14'],
  ])('rejects %s with BAD_MESSAGE_LENGTH', (_name, bytes) => {
    expectWireError(() => decodeAll([hex(bytes)], { handshake: false }), 'BAD_MESSAGE_LENGTH');
  });

  it('checks bitfields against the piece count: size and spare bits', () => {
    expectWireError(
      () => decodeAll([hex('00000002 05 ff')], { handshake: false, pieceCount: 11 }),
      'BAD_BITFIELD',
    );
    expectWireError(
      () => decodeAll([hex('00000003 05 fff0')], { handshake: false, pieceCount: 11 }),
      'BAD_BITFIELD',
    );
    expect(decodeAll([hex('00000003 05 ffe0')], { handshake: false, pieceCount: 11 })).toEqual([
      { type: 'bitfield', bitfield: hex('ffe0') },
    ]);
  });

  it('bounds a bitfield while the piece count is unknown, and checks it once set', () => {
    expectWireError(
      () => decodeAll([hex('00000005 05 00000000')], { handshake: false, maxBitfieldLength: 3 }),
      'MESSAGE_TOO_LONG',
    );
    const decoder = new WireDecoder({ handshake: false });
    expect(decoder.push(hex('00000005 04 00000009'))).toEqual([{ type: 'have', index: 9 }]);
    decoder.setPieceCount(9);
    expectWireError(() => decoder.push(hex('00000005 04 00000009')), 'BAD_PIECE_INDEX');
  });

  it('bounds extended messages (1 MiB by default)', () => {
    const big = encodeMessage({ type: 'extended', id: 1, payload: Buffer.alloc(1024 * 1024 + 1) });
    expectWireError(() => decodeAll([big], { handshake: false }), 'MESSAGE_TOO_LONG');
    const fits = encodeMessage({ type: 'extended', id: 1, payload: Buffer.alloc(1024 * 1024) });
    expect(decodeAll([fits], { handshake: false })).toHaveLength(1);
  });

  it('skips unknown message ids but still bounds them', () => {
    const unknown = hex('00000004 63 aabbcc'); // id 99
    const events = decodeAll([unknown, encodeMessage({ type: 'have', index: 1 })], {
      handshake: false,
    });
    expect(events).toEqual([{ type: 'have', index: 1 }]);
    const huge = Buffer.concat([hex('00010000 63'), Buffer.alloc(0x10000 - 1)]);
    expectWireError(() => decodeAll([huge], { handshake: false }), 'MESSAGE_TOO_LONG');
  });

  it('rejects a non-BitTorrent handshake on its first bytes', () => {
    expectWireError(
      () => decodeAll([Buffer.from('GET / HTTP/1.1\r\n', 'latin1')]),
      'BAD_HANDSHAKE',
    );
    const decoder = new WireDecoder();
    expect(decoder.push(handshake.subarray(0, 10))).toEqual([]);
    expectWireError(() => decoder.push(Buffer.from('x')), 'BAD_HANDSHAKE');
  });

  it('stays failed after a violation', () => {
    const decoder = new WireDecoder({ handshake: false });
    expectWireError(() => decoder.push(hex('00000002 04 00')), 'BAD_MESSAGE_LENGTH');
    expectWireError(() => decoder.push(encodeMessage({ type: 'choke' })), 'BAD_MESSAGE_LENGTH');
  });

  it('never throws anything but WireError on random garbage', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let round = 0; round < 2000; round++) {
      const garbage = Buffer.alloc(4 + (random() % 64));
      for (let i = 0; i < garbage.length; i++) garbage[i] = random() & 0xff;
      // Small length prefixes make the garbage reach the per-id checks, not just the size check.
      if (round % 2 === 0) garbage.writeUInt32BE(random() % 20, 0);
      const decoder = new WireDecoder({ handshake: false, pieceCount: 100 });
      try {
        decoder.push(garbage);
      } catch (error) {
        expect(error).toBeInstanceOf(WireError);
      }
    }
  });
});
