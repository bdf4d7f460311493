import { describe, expect, it } from 'vitest';
import { encodeMessage, encodePieceHeader, WireError } from '../src/index.js';
import { hex } from './support.js';

describe('encodeMessage: BEP 3 byte vectors', () => {
  it.each([
    ['keep-alive', { type: 'keep-alive' } as const, '00000000'],
    ['choke', { type: 'choke' } as const, '00000001 00'],
    ['unchoke', { type: 'unchoke' } as const, '00000001 01'],
    ['interested', { type: 'interested' } as const, '00000001 02'],
    ['not interested', { type: 'not-interested' } as const, '00000001 03'],
    ['have 0x01020304', { type: 'have', index: 0x01020304 } as const, '00000005 04 01020304'],
    ['bitfield', { type: 'bitfield', bitfield: hex('ff80') } as const, '00000003 05 ff80'],
    [
      'request piece 1 at 16384 for 16384',
      { type: 'request', index: 1, begin: 0x4000, length: 0x4000 } as const,
      '0000000d 06 00000001 00004000 00004000',
    ],
    [
      'piece 2 at 0 with 3 bytes',
      { type: 'piece', index: 2, begin: 0, block: hex('abcdef') } as const,
      '0000000c 07 00000002 00000000 abcdef',
    ],
    [
      'cancel',
      { type: 'cancel', index: 0xffffffff, begin: 0, length: 0x4000 } as const,
      '0000000d 08 ffffffff 00000000 00004000',
    ],
    ['port 6881', { type: 'port', port: 6881 } as const, '00000003 09 1ae1'],
  ])('%s', (_name, message, bytes) => {
    expect(encodeMessage(message)).toEqual(hex(bytes));
  });
});

describe('encodeMessage: BEP 6 and BEP 10 byte vectors', () => {
  it.each([
    ['suggest', { type: 'suggest', index: 7 } as const, '00000005 0d 00000007'],
    ['have all', { type: 'have-all' } as const, '00000001 0e'],
    ['have none', { type: 'have-none' } as const, '00000001 0f'],
    [
      'reject',
      { type: 'reject', index: 3, begin: 0x8000, length: 0x4000 } as const,
      '0000000d 10 00000003 00008000 00004000',
    ],
    ['allowed fast', { type: 'allowed-fast', index: 1059 } as const, '00000005 11 00000423'],
    [
      'extended id 3',
      { type: 'extended', id: 3, payload: Buffer.from('de', 'latin1') } as const,
      '00000004 14 03 6465',
    ],
  ])('%s', (_name, message, bytes) => {
    expect(encodeMessage(message)).toEqual(hex(bytes));
  });
});

describe('encodeMessage: invalid values', () => {
  it.each([
    { type: 'have', index: -1 } as const,
    { type: 'have', index: 2 ** 32 } as const,
    { type: 'request', index: 0, begin: 1.5, length: 1 } as const,
    { type: 'port', port: 70000 } as const,
    { type: 'extended', id: 256, payload: Buffer.alloc(0) } as const,
  ])('refuses %j', (message) => {
    expect(() => encodeMessage(message)).toThrow(WireError);
  });
});

describe('encodePieceHeader', () => {
  it('is the head of the encoded piece message', () => {
    const block = Buffer.alloc(16384, 7);
    const whole = encodeMessage({ type: 'piece', index: 5, begin: 32768, block });
    expect(Buffer.concat([encodePieceHeader(5, 32768, block.length), block])).toEqual(whole);
    expect(encodePieceHeader(5, 32768, 16384)).toEqual(hex('00004009 07 00000005 00008000'));
  });
});
