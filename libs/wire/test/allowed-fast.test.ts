import { describe, expect, it } from 'vitest';
import { allowedFastSet, WireError } from '../src/index.js';

const infoHash = Buffer.alloc(20, 0xaa);

describe('allowedFastSet (BEP 6)', () => {
  it('matches the BEP 6 vector for k = 7', () => {
    expect(allowedFastSet('80.4.4.200', infoHash, 1313, 7)).toEqual([
      1059, 431, 808, 1217, 287, 376, 1188,
    ]);
  });

  it('matches the BEP 6 vector for k = 9', () => {
    expect(allowedFastSet('80.4.4.200', infoHash, 1313, 9)).toEqual([
      1059, 431, 808, 1217, 287, 376, 1188, 353, 508,
    ]);
  });

  it('gives the same set to every address of a /24 and to IPv4-mapped IPv6', () => {
    const expected = allowedFastSet('80.4.4.200', infoHash, 1313, 9);
    expect(allowedFastSet('80.4.4.1', infoHash, 1313, 9)).toEqual(expected);
    expect(allowedFastSet('::ffff:80.4.4.200', infoHash, 1313, 9)).toEqual(expected);
    expect(allowedFastSet('80.4.5.200', infoHash, 1313, 9)).not.toEqual(expected);
  });

  it('stops at the piece count when the torrent is smaller than k', () => {
    expect(allowedFastSet('10.0.0.1', infoHash, 3, 10).sort()).toEqual([0, 1, 2]);
    expect(allowedFastSet('10.0.0.1', infoHash, 0, 10)).toEqual([]);
  });

  it('rejects malformed input', () => {
    expect(() => allowedFastSet('80.4.4', infoHash, 10)).toThrow(WireError);
    expect(() => allowedFastSet('80.4.4.256', infoHash, 10)).toThrow(WireError);
    expect(() => allowedFastSet('80.4.4.2', Buffer.alloc(19), 10)).toThrow(WireError);
  });
});
