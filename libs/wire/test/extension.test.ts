import { describe, expect, it } from 'vitest';
import { decodeExtendedHandshake, encodeExtendedHandshake, WireError } from '../src/index.js';
import { expectWireError, itRejectsEach, latin1 } from './support.js';

describe('BEP 10 extended handshake', () => {
  it('encodes a bencoded dictionary with sorted keys', () => {
    const payload = encodeExtendedHandshake({
      m: { ut_pex: 1, ut_metadata: 3 },
      metadataSize: 31235,
      v: 'Swarmhub 0.1.0',
      p: 6881,
      reqq: 250,
      yourip: Buffer.from([127, 0, 0, 1]),
    });
    expect(payload).toEqual(
      latin1(
        'd1:md11:ut_metadatai3e6:ut_pexi1ee13:metadata_sizei31235e1:pi6881e4:reqqi250e' +
          '1:v14:Swarmhub 0.1.06:yourip4:\x7f\x00\x00\x01e',
      ),
    );
  });

  it('decodes the example handshake of BEP 10', () => {
    const payload = Buffer.concat([
      latin1('d1:md11:LT_metadatai1e6:ut_pexi2ee1:pi6881e1:v'),
      latin1('13:'),
      Buffer.from('µTorrent 1.2', 'utf8'),
      latin1('6:yourip4:\x0a\x00\x00\x02e'),
    ]);
    expect(decodeExtendedHandshake(payload)).toEqual({
      m: { LT_metadata: 1, ut_pex: 2 },
      p: 6881,
      v: 'µTorrent 1.2',
      yourip: Buffer.from([10, 0, 0, 2]),
    });
  });

  it('round-trips metadata_size and reqq', () => {
    const h = { m: { ut_metadata: 2 }, metadataSize: 1_000_000, reqq: 500 };
    expect(decodeExtendedHandshake(encodeExtendedHandshake(h))).toEqual(h);
  });

  it('keeps id 0 (extension disabled) and ignores malformed optional fields', () => {
    const payload = latin1(
      'd1:md11:ut_metadatai0e6:ut_pex3:abc5:x_bigi999ee13:metadata_sizei-5e1:pi70000e1:vi3ee',
    );
    expect(decodeExtendedHandshake(payload)).toEqual({ m: { ut_metadata: 0 } });
  });

  it('treats a handshake without m as announcing no extensions', () => {
    expect(decodeExtendedHandshake(latin1('d1:pi1ee'))).toEqual({ m: {}, p: 1 });
  });

  itRejectsEach(
    [
      ['a list', 'l1:me'],
      ['truncated bencoding', 'd1:md11:ut_metadatai1e'],
      ['trailing bytes', 'de1'],
      ['an empty payload', ''],
    ],
    decodeExtendedHandshake,
    'BAD_EXTENDED_HANDSHAKE',
  );

  it('bounds the payload size', () => {
    const big = Buffer.concat([latin1('d1:v70000:'), Buffer.alloc(70000, 0x61), latin1('e')]);
    expectWireError(() => decodeExtendedHandshake(big), 'BAD_EXTENDED_HANDSHAKE');
  });

  it('refuses to encode extension ids outside 0..255', () => {
    expect(() => encodeExtendedHandshake({ m: { ut_metadata: 256 } })).toThrow(WireError);
  });
});
