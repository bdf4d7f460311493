import { describe, expect, it } from 'vitest';
import {
  decodeHandshake,
  encodeHandshake,
  supportsExtensions,
  supportsFast,
  WireError,
} from '../src/index.js';

const infoHash = Buffer.alloc(20, 0xaa);
const peerId = Buffer.from('-SH0100-abcdefghijkl', 'latin1');

describe('handshake', () => {
  it('encodes the 68 bytes of BEP 3 with the BEP 10 and BEP 6 reserved bits', () => {
    const bytes = encodeHandshake({ infoHash, peerId, extensions: true, fast: true });
    const expected = Buffer.concat([
      Buffer.from([19]),
      Buffer.from('BitTorrent protocol', 'latin1'),
      Buffer.from([0, 0, 0, 0, 0, 0x10, 0, 0x04]),
      infoHash,
      peerId,
    ]);
    expect(bytes).toEqual(expected);
    expect(bytes.length).toBe(68);
  });

  it('leaves the reserved bytes zero without extensions', () => {
    const bytes = encodeHandshake({ infoHash, peerId });
    expect(bytes.subarray(20, 28)).toEqual(Buffer.alloc(8));
  });

  it('round-trips and reports the reserved bits', () => {
    const decoded = decodeHandshake(encodeHandshake({ infoHash, peerId, extensions: true }));
    expect(decoded.infoHash).toEqual(infoHash);
    expect(decoded.peerId).toEqual(peerId);
    expect(supportsExtensions(decoded.reserved)).toBe(true);
    expect(supportsFast(decoded.reserved)).toBe(false);
  });

  it('rejects another protocol name', () => {
    const bytes = encodeHandshake({ infoHash, peerId });
    bytes[5] = 0x78;
    expect(() => decodeHandshake(bytes)).toThrow(WireError);
  });

  it('refuses to encode ids that are not 20 bytes', () => {
    expect(() => encodeHandshake({ infoHash: Buffer.alloc(19), peerId })).toThrow(/20 bytes/);
    expect(() => encodeHandshake({ infoHash, peerId: Buffer.alloc(21) })).toThrow(/20 bytes/);
  });
});
