import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { thrownBy } from '../../../test-support/errors.js';
import {
  formatMagnet,
  magnetFromMetainfo,
  MetainfoError,
  parseMagnet,
  parseMetainfo,
} from '../src/index.js';

const HEX = 'c12fe1c06bba254a9dc9f519b335aa7c1367a88a';
// The same 20 bytes in RFC 4648 base32.
const BASE32 = 'YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK';

function errorOf(fn: () => unknown): MetainfoError {
  const err = thrownBy(MetainfoError, fn);
  expect(err.code).toBe('BAD_MAGNET');
  return err;
}

describe('parseMagnet', () => {
  test('hex btih with dn, several tr, ws and xl', () => {
    const m = parseMagnet(
      `magnet:?xt=urn:btih:${HEX.toUpperCase()}&dn=Big+Buck%20Bunny&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce&tr=udp%3A%2F%2Ftracker.example%3A80&ws=https%3A%2F%2Fseed.example%2Fbbb&xl=276445467`,
    );
    expect(m).toEqual({
      infoHash: HEX,
      infoHashBytes: Buffer.from(HEX, 'hex'),
      displayName: 'Big Buck Bunny',
      trackers: ['http://127.0.0.1:6969/announce', 'udp://tracker.example:80'],
      webSeeds: ['https://seed.example/bbb'],
      exactLength: 276445467,
    });
  });

  test('base32 btih decodes to the same hash, in either case', () => {
    expect(parseMagnet(`magnet:?xt=urn:btih:${BASE32}`).infoHash).toBe(HEX);
    expect(parseMagnet(`magnet:?xt=urn:btih:${BASE32.toLowerCase()}`).infoHash).toBe(HEX);
  });

  test('numbered and unknown parameters, duplicate trackers and a hybrid btmh are tolerated', () => {
    const m = parseMagnet(
      `magnet:?xt.1=urn:btih:${HEX}&xt.2=urn:btmh:1220abcd&tr.1=udp://a:1&tr.2=udp://a:1&x.pe=1.2.3.4:5&so=0`,
    );
    expect(m.infoHash).toBe(HEX);
    expect(m.trackers).toEqual(['udp://a:1']);
    expect(m.webSeeds).toEqual([]);
    expect(m.displayName).toBeUndefined();
  });

  test.each<[string, RegExp]>([
    ['http://example.com/?xt=urn:btih:' + HEX, /not a magnet link/],
    ['magnet:?dn=nothing', /no xt=urn:btih:/],
    [`magnet:?xt=urn:btih:${HEX.slice(1)}`, /neither 40 hex nor 32 base32/],
    [`magnet:?xt=urn:btih:${BASE32.slice(0, 31)}1`, /invalid character "1"/],
    ['magnet:?xt=urn:sha1:ABC', /unsupported xt/],
    ['magnet:?xt=urn:btmh:1220abcd', /v2 \(btmh\)/],
    [`magnet:?xt=urn:btih:${HEX}&xl=-5`, /xl "-5" is not a byte count/],
    [`magnet:?xt=urn:btih:${HEX}&dn=%E0%A4%A`, /malformed percent-encoding/],
    [`magnet:?xt=urn:btih:${HEX}&xt=urn:btih:${'0'.repeat(40)}`, /two different btih/],
    ['magnet:?xt=urn:btih:' + HEX + '&tr=' + 'x'.repeat(70000), /exceeds the limit/],
  ])('refuses %s', (uri, message) => {
    expect(errorOf(() => parseMagnet(uri)).message).toMatch(message);
  });
});

describe('formatMagnet round trips', () => {
  test.each([
    { infoHash: HEX, trackers: [], webSeeds: [] },
    {
      infoHash: HEX,
      displayName: 'ünïcødé & spaces + plus = equals?#',
      trackers: ['http://127.0.0.1:6969/announce?key=a&b=c', 'udp://t:1'],
      webSeeds: ['https://seed.example/a b'],
      exactLength: 0,
    },
  ])('format then parse gives back the same magnet (%#)', (magnet) => {
    const uri = formatMagnet(magnet);
    expect(uri.startsWith(`magnet:?xt=urn:btih:${HEX}`)).toBe(true);
    const back = parseMagnet(uri);
    expect({ ...back, infoHashBytes: undefined }).toEqual({ ...magnet, infoHashBytes: undefined });
    expect(formatMagnet(back)).toBe(uri);
  });

  test('refuses a malformed info hash', () => {
    expect(() => formatMagnet({ infoHash: 'xyz', trackers: [], webSeeds: [] })).toThrow(
      MetainfoError,
    );
  });

  test('magnetFromMetainfo carries hash, name, size and every tracker once', () => {
    const m = parseMetainfo(
      readFileSync(join(import.meta.dirname, 'fixtures', 'mktorrent-single.torrent')),
    );
    const uri = magnetFromMetainfo(m);
    expect(uri).toBe(
      'magnet:?xt=urn:btih:b5386c33047c3fea0fc55a500bc16eefaca9a29e&dn=single.bin&xl=100000&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce&tr=udp%3A%2F%2F127.0.0.1%3A6969',
    );
    const back = parseMagnet(uri);
    expect(back.infoHash).toBe(m.infoHash);
    expect(back.trackers).toEqual(['http://127.0.0.1:6969/announce', 'udp://127.0.0.1:6969']);
  });
});
