import { describe, expect, it } from 'vitest';
import { decodeMetadataMessage, encodeMetadataMessage, WireError } from '../src/index.js';
import { expectWireError, itRejectsEach, latin1 } from './support.js';

describe('BEP 9 ut_metadata messages', () => {
  it('encodes and decodes the request of BEP 9', () => {
    const bytes = latin1('d8:msg_typei0e5:piecei0ee');
    expect(encodeMetadataMessage({ msgType: 0, piece: 0 })).toEqual(bytes);
    expect(decodeMetadataMessage(bytes)).toEqual({ msgType: 0, piece: 0 });
  });

  it('encodes and decodes the reject of BEP 9', () => {
    const bytes = latin1('d8:msg_typei2e5:piecei0ee');
    expect(encodeMetadataMessage({ msgType: 2, piece: 0 })).toEqual(bytes);
    expect(decodeMetadataMessage(bytes)).toEqual({ msgType: 2, piece: 0 });
  });

  it('puts the raw data after the dictionary in a data message (BEP 9 example)', () => {
    const data = Buffer.alloc(16384, 0x64); // 'd' bytes: a naive parser would take them for bencoding
    const bytes = Buffer.concat([latin1('d8:msg_typei1e5:piecei0e10:total_sizei34256ee'), data]);
    expect(encodeMetadataMessage({ msgType: 1, piece: 0, totalSize: 34256, data })).toEqual(bytes);
    expect(decodeMetadataMessage(bytes)).toEqual({ msgType: 1, piece: 0, totalSize: 34256, data });
  });

  it('accepts the shorter last piece and rejects a wrong data length', () => {
    const last = Buffer.alloc(34256 - 2 * 16384, 1);
    const head = latin1('d8:msg_typei1e5:piecei2e10:total_sizei34256ee');
    expect(decodeMetadataMessage(Buffer.concat([head, last]))).toMatchObject({
      piece: 2,
      totalSize: 34256,
    });
    expectWireError(
      () => decodeMetadataMessage(Buffer.concat([head, last, Buffer.from([0])])),
      'BAD_METADATA_MESSAGE',
    );
    const middle = latin1('d8:msg_typei1e5:piecei1e10:total_sizei34256ee');
    expectWireError(
      () => decodeMetadataMessage(Buffer.concat([middle, last])),
      'BAD_METADATA_MESSAGE',
    );
  });

  it('rejects a data piece beyond total_size', () => {
    const head = latin1('d8:msg_typei1e5:piecei3e10:total_sizei34256ee');
    expectWireError(
      () => decodeMetadataMessage(Buffer.concat([head, Buffer.alloc(10)])),
      'BAD_METADATA_MESSAGE',
    );
    expect(() =>
      encodeMetadataMessage({ msgType: 1, piece: 3, totalSize: 34256, data: Buffer.alloc(10) }),
    ).toThrow(WireError);
  });

  it('reports an unknown msg_type with its own code (BEP 9: ignore it)', () => {
    expectWireError(
      () => decodeMetadataMessage(latin1('d8:msg_typei7e5:piecei0ee')),
      'UNKNOWN_METADATA_MESSAGE',
    );
  });

  itRejectsEach(
    [
      ['no piece', 'd8:msg_typei0ee'],
      ['no msg_type', 'd5:piecei0ee'],
      ['a negative piece', 'd8:msg_typei0e5:piecei-1ee'],
      ['a list', 'li0ee'],
      ['bytes after a request', 'd8:msg_typei0e5:piecei0eexx'],
      ['truncated bencoding', 'd8:msg_typei0e5:piecei0e'],
      ['a data message without total_size', 'd8:msg_typei1e5:piecei0eeabc'],
      ['garbage', '\x00\x01\x02'],
      ['an absurd string length', 'd99999999999:'],
    ],
    decodeMetadataMessage,
    'BAD_METADATA_MESSAGE',
  );
});
