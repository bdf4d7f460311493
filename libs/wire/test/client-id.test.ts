import { describe, expect, it } from 'vitest';
import { clientFromPeerId } from '../src/index.js';

/** A 20-byte peer id: the given prefix, then random-looking bytes as real clients send. */
function peerId(prefix: string): Buffer {
  const id = Buffer.alloc(20, 0xc3);
  Buffer.from(prefix, 'latin1').copy(id);
  return id;
}

describe('clientFromPeerId (BEP 20)', () => {
  it.each([
    ['-TR3000-', 'Transmission 3.00'],
    ['-TR2940-', 'Transmission 2.94'],
    ['-TR300Z-', 'Transmission 3.00+'],
    ['-TR0072-', 'Transmission 0.72'],
    ['-TR4060-', 'Transmission 4.0.6'],
    ['-TR410Z-', 'Transmission 4.1.0 dev'],
    ['A2-1-36-0-', 'aria2 1.36.0'],
    ['A2-1-37-0-', 'aria2 1.37.0'],
    ['-qB4630-', 'qBittorrent 4.6.3'],
    ['-qB5010-', 'qBittorrent 5.0.1'],
    ['-LT20A0-', 'libtorrent 2.0.10'],
    ['-LT1280-', 'libtorrent 1.2.8'],
    ['-lt0D60-', 'libTorrent (rTorrent) 0.13.6'],
    ['-UT355W-', 'µTorrent 3.5.5'],
    ['-UT2210-', 'µTorrent 2.2.1'],
    ['-DE13F0-', 'Deluge 1.3.15'],
    ['-DE211s-', 'Deluge 2.1.1'],
    ['-WW0207-', 'WebTorrent 2.7'],
    ['-SH0100-', 'Swarmhub 0.1.0'],
    ['-AZ5770-', 'Vuze 5.7.7'],
    ['-BC0150-', 'BitComet 1.50'],
    ['-KT4110-', 'KTorrent 4.1.1'],
    ['M4-3-6--', 'BitTorrent 4.3.6'],
    ['T03I-----', 'BitTornado 0.3.18'],
    ['S58B-----', 'Shadow 5.8.11'],
    ['-ZZ1234-', 'Unknown ZZ 1.2.3.4'],
    ['exbc', 'Unknown (exbc)'],
  ])('%s is %s', (prefix, name) => {
    expect(clientFromPeerId(peerId(prefix))).toBe(name);
  });

  it('says Unknown for binary ids', () => {
    expect(clientFromPeerId(Buffer.alloc(20, 0))).toBe('Unknown');
    expect(clientFromPeerId(Buffer.alloc(0))).toBe('Unknown');
  });
});
