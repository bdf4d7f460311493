import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from '@swarmhub/bencode';
import { describe, expect, test } from 'vitest';
import { thrownBy } from '../../../test-support/errors.js';
import {
  MetainfoError,
  parseInfoDictionary,
  parseMetainfo,
  pieceHash,
  pieceSize,
} from '../src/index.js';
import { multiInfo, sha1, singleInfo, torrentWith } from './helpers.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));

const errorOf = (fn: () => unknown) => thrownBy(MetainfoError, fn);

describe('real .torrent files', () => {
  test('a single-file torrent made by mktorrent, hash as transmission-show printed it', () => {
    const m = parseMetainfo(fixture('mktorrent-single.torrent'));
    expect(m.infoHash).toBe('b5386c33047c3fea0fc55a500bc16eefaca9a29e');
    expect(m.infoHashBytes.toString('hex')).toBe(m.infoHash);
    expect(m.name).toBe('single.bin');
    expect(m.isMultiFile).toBe(false);
    expect(m.files).toEqual([{ path: ['single.bin'], length: 100000, offset: 0, padding: false }]);
    expect(m.totalLength).toBe(100000);
    expect(m.pieceLength).toBe(32768);
    expect(m.pieceCount).toBe(4);
    expect(m.private).toBe(false);
    expect(m.announce).toBe('http://127.0.0.1:6969/announce');
    expect(m.announceList).toEqual([['http://127.0.0.1:6969/announce'], ['udp://127.0.0.1:6969']]);
    expect(m.comment).toBe('made by mktorrent');
    expect(m.createdBy).toBe('mktorrent 1.1');
    expect(m.creationDate).toBeInstanceOf(Date);
    expect(sha1(m.info).toString('hex')).toBe(m.infoHash);
    expect(pieceSize(m, 0)).toBe(32768);
    expect(pieceSize(m, 3)).toBe(100000 - 3 * 32768);
    expect(pieceHash(m, 3)).toEqual(m.pieceHashes.subarray(60, 80));
  });

  test('a private multi-file torrent made by transmission-create', () => {
    const m = parseMetainfo(fixture('transmission-multi.torrent'));
    expect(m.infoHash).toBe('78900286db6aa72d872bcf1b394af17c09006d6b');
    expect(m.isMultiFile).toBe(true);
    expect(m.private).toBe(true);
    expect(m.files.map((f) => [f.path.join('/'), f.length, f.offset])).toEqual([
      ['album/cover.jpg', 70000, 0],
      ['album/disc1/01.flac', 40000, 70000],
      ['album/disc1/02.flac', 33333, 110000],
      ['album/disc2/notes.txt', 5, 143333],
    ]);
    expect(m.totalLength).toBe(143338);
    expect(m.pieceCount).toBe(9);
    expect(m.announceList).toEqual([['http://127.0.0.1:6969/announce']]);
    expect(m.createdBy).toMatch(/^Transmission\//);
  });

  test('the info hash covers the raw info bytes, unknown keys included', () => {
    const info = singleInfo({ 'x-extra': Buffer.from('kept') });
    const file = torrentWith(info);
    const m = parseMetainfo(file);
    expect(m.info.equals(encode(info))).toBe(true);
    expect(m.infoHash).toBe(sha1(encode(info)).toString('hex'));
    expect(m.infoHash).not.toBe(sha1(encode(singleInfo())).toString('hex'));
  });

  test('results do not share memory with the input', () => {
    const file = torrentWith(singleInfo());
    const m = parseMetainfo(file);
    const before = Buffer.from(m.pieceHashes);
    file.fill(0);
    expect(m.pieceHashes.equals(before)).toBe(true);
    expect(sha1(m.info).toString('hex')).toBe(m.infoHash);
  });
});

describe('optional fields', () => {
  test('announce alone becomes one tier; empty tiers are dropped; url-list may be a single string', () => {
    const m = parseMetainfo(
      torrentWith(singleInfo(), {
        'url-list': Buffer.from('http://seed.example/file.bin'),
        'creation date': 1700000000,
      }),
    );
    expect(m.announceList).toEqual([['http://127.0.0.1:6969/announce']]);
    expect(m.urlList).toEqual(['http://seed.example/file.bin']);
    expect(m.creationDate?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    const n = parseMetainfo(
      torrentWith(singleInfo(), { 'announce-list': [[], [Buffer.from('udp://a:1')]] }),
    );
    expect(n.announceList).toEqual([['udp://a:1']]);
  });

  test('no trackers at all is allowed (trackerless torrents)', () => {
    const m = parseMetainfo(encode({ info: singleInfo() }));
    expect(m.announce).toBeUndefined();
    expect(m.announceList).toEqual([]);
    expect(m.urlList).toEqual([]);
  });

  test('private is true only for private=1', () => {
    expect(parseMetainfo(torrentWith(singleInfo({ private: 1 }))).private).toBe(true);
    expect(parseMetainfo(torrentWith(singleInfo({ private: 0 }))).private).toBe(false);
  });
});

describe('BEP 47 padding files', () => {
  // The shape libtorrent 2 writes: a padding entry after every file but the last, named by its size.
  const info = Buffer.concat([
    Buffer.from(
      'd5:filesl' +
        'd6:lengthi10e4:pathl5:a.binee' +
        'd4:attr1:p6:lengthi16374e4:pathl4:.pad5:16374ee' +
        'd6:lengthi16383e4:pathl5:b.binee' +
        'd4:attr1:p6:lengthi1e4:pathl4:.pad1:1ee' +
        'd4:attr2:xh6:lengthi3e4:pathl5:c.binee' +
        'e4:name3:dir12:piece lengthi16384e6:pieces60:',
    ),
    Buffer.alloc(60, 7),
    Buffer.from('e'),
  ]);

  test('attr p marks padding; its bytes stay in the offsets and the total length', () => {
    const m = parseInfoDictionary(info);
    expect(m.infoHash).toBe(sha1(info).toString('hex'));
    expect(m.files).toEqual([
      { path: ['dir', 'a.bin'], length: 10, offset: 0, padding: false },
      { path: ['dir', '.pad', '16374'], length: 16374, offset: 10, padding: true },
      { path: ['dir', 'b.bin'], length: 16383, offset: 16384, padding: false },
      { path: ['dir', '.pad', '1'], length: 1, offset: 32767, padding: true },
      { path: ['dir', 'c.bin'], length: 3, offset: 32768, padding: false },
    ]);
    expect(m.totalLength).toBe(32771);
    expect(m.pieceCount).toBe(3);
  });

  test('a hybrid v1+v2 torrent made by libtorrent 2.0.8, hashes as libtorrent computed them', () => {
    const m = parseMetainfo(fixture('libtorrent-hybrid-padded.torrent'));
    // torrent_info.info_hashes().v1 of libtorrent itself.
    expect(m.infoHash).toBe('093cfe0ff0b33e602f4cbe3bd4f2e3cce04233e9');
    expect(m.files.map((f) => [f.path.join('/'), f.length, f.offset, f.padding])).toEqual([
      ['padded/a.bin', 20000, 0, false],
      ['padded/.pad/12768', 12768, 20000, true],
      ['padded/c.txt', 5, 32768, false],
      ['padded/.pad/16379', 16379, 32773, true],
      ['padded/sub/b.bin', 16385, 49152, false],
      ['padded/.pad/16383', 16383, 65537, true],
    ]);
    expect([m.totalLength, m.pieceCount]).toEqual([81920, 5]);
    // The files held bytes ((i * 31 + seed) * 7) & 0xff, and the piece hashes saw zeros between them.
    const pattern = (n: number, seed: number) =>
      Buffer.from(Array.from({ length: n }, (_, i) => ((i * 31 + seed) * 7) & 0xff));
    const content = Buffer.alloc(m.totalLength);
    pattern(20000, 1).copy(content, 0);
    Buffer.from('hello').copy(content, 32768);
    pattern(16385, 2).copy(content, 49152);
    for (let i = 0; i < m.pieceCount; i++) {
      const piece = content.subarray(i * m.pieceLength, (i + 1) * m.pieceLength);
      expect(pieceHash(m, i).equals(sha1(piece)), `piece ${i}`).toBe(true);
    }
  });

  test('every truncation of a torrent with padding is refused with a MetainfoError', () => {
    const file = Buffer.concat([Buffer.from('d4:info'), info, Buffer.from('e')]);
    expect(parseMetainfo(file).files.filter((f) => f.padding)).toHaveLength(2);
    for (let i = 0; i < file.length; i++) errorOf(() => parseMetainfo(file.subarray(0, i)));
  });

  test.each<[string, string, boolean]>([
    ['p alone', 'p', true],
    ['p among other flags', 'xph', true],
    ['executable and hidden only', 'xh', false],
    ['a symlink', 'l', false],
    ['unknown flags', 'z?', false],
    ['empty', '', false],
  ])('attr %s', (_title, attr, padding) => {
    const m = parseMetainfo(
      torrentWith(
        multiInfo([['a'], ['b']], {
          files: [
            { length: 10, path: [Buffer.from('a')] },
            { attr: Buffer.from(attr), length: 10, path: [Buffer.from('b')] },
          ],
        }),
      ),
    );
    expect(m.files.map((f) => f.padding)).toEqual([false, padding]);
  });

  test('padding files may share a path, and a real file may sit where a padding path goes', () => {
    const pad = {
      attr: Buffer.from('p'),
      length: 6,
      path: [Buffer.from('.pad'), Buffer.from('6')],
    };
    const m = parseMetainfo(
      torrentWith(
        multiInfo([], {
          files: [
            { length: 10, path: [Buffer.from('a')] },
            pad,
            { length: 10, path: [Buffer.from('b')] },
            pad,
            { length: 10, path: [Buffer.from('.pad')] },
          ],
          pieces: Buffer.alloc(20, 1),
        }),
      ),
    );
    expect(m.files.map((f) => [f.path.join('/'), f.padding])).toEqual([
      ['dir/a', false],
      ['dir/.pad/6', true],
      ['dir/b', false],
      ['dir/.pad/6', true],
      ['dir/.pad', false],
    ]);
  });

  test('padding paths are sanitised like any other', () => {
    const err = errorOf(() =>
      parseMetainfo(
        torrentWith(
          multiInfo([], {
            files: [
              { length: 10, path: [Buffer.from('a')] },
              { attr: Buffer.from('p'), length: 6, path: [Buffer.from('..'), Buffer.from('6')] },
            ],
            pieces: Buffer.alloc(20, 1),
          }),
        ),
      ),
    );
    expect([err.code, err.field]).toEqual(['UNSAFE_PATH', 'info.files[1].path']);
  });

  test('a single-file attr is checked but changes nothing, even p', () => {
    const m = parseMetainfo(torrentWith(singleInfo({ attr: Buffer.from('px') })));
    expect(m.files).toEqual([{ path: ['file.bin'], length: 40000, offset: 0, padding: false }]);
  });

  test.each<[string, Buffer, string]>([
    [
      'file attr an integer',
      torrentWith(multiInfo([], { files: [{ attr: 1, length: 10, path: [Buffer.from('a')] }] })),
      'info.files[0].attr is an integer, expected a string',
    ],
    [
      'file attr a list',
      torrentWith(
        multiInfo([], {
          files: [{ attr: [Buffer.from('p')], length: 10, path: [Buffer.from('a')] }],
        }),
      ),
      'info.files[0].attr is a list, expected a string',
    ],
    [
      'single-file attr a dictionary',
      torrentWith(singleInfo({ attr: {} })),
      'info.attr is a dictionary, expected a string',
    ],
  ])('refuses %s', (_title, input, message) => {
    const err = errorOf(() => parseMetainfo(input));
    expect([err.code, err.message]).toEqual(['BAD_FIELD', message]);
  });
});

describe('invalid torrents: typed errors naming field and problem', () => {
  test.each<[string, Buffer, string, string | RegExp]>([
    [
      'pieces not a multiple of 20',
      torrentWith(singleInfo({ pieces: Buffer.alloc(39) })),
      'info.pieces',
      'info.pieces length 39 is not a multiple of 20',
    ],
    [
      'wrong piece count',
      torrentWith(singleInfo({ pieces: Buffer.alloc(40) })),
      'info.pieces',
      /holds 2 hashes but 40000 bytes in pieces of 16384 need 3/,
    ],
    [
      'missing name',
      torrentWith(singleInfo({ name: undefined as never })),
      'info.name',
      'info.name is missing',
    ],
    [
      'name is an integer',
      torrentWith(singleInfo({ name: 5 })),
      'info.name',
      'info.name is an integer, expected a string',
    ],
    [
      'negative length',
      torrentWith(singleInfo({ length: -1 })),
      'info.length',
      'info.length -1 is negative',
    ],
    [
      'zero piece length',
      torrentWith(singleInfo({ 'piece length': 0 })),
      'info.piece length',
      'info.piece length is 0',
    ],
    [
      'huge piece length',
      torrentWith(singleInfo({ 'piece length': 2 ** 30 })),
      'info.piece length',
      /exceeds the maximum/,
    ],
    [
      'length and files',
      torrentWith({ ...multiInfo([['a']]), length: 10 }),
      'info',
      'info has both length and files',
    ],
    [
      'neither length nor files',
      torrentWith(singleInfo({ length: undefined as never })),
      'info',
      'info has neither length nor files',
    ],
    ['empty files', torrentWith(multiInfo([])), 'info.files', 'info.files is empty'],
    [
      'file path missing',
      torrentWith({ ...multiInfo([['a']]), files: [{ length: 10 }] }),
      'info.files[0].path',
      'info.files[0].path is missing',
    ],
    [
      'file path component not a string',
      torrentWith({ ...multiInfo([['a']]), files: [{ length: 10, path: [1] }] }),
      'info.files[0].path[0]',
      /is an integer/,
    ],
    [
      'zero bytes',
      torrentWith(singleInfo({ length: 0, pieces: Buffer.alloc(0) })),
      'info.length',
      'the torrent holds 0 bytes',
    ],
    ['info is a list', encode({ info: [] }), 'info', 'info is a list, expected a dictionary'],
    [
      'announce-list not a list',
      torrentWith(singleInfo(), { 'announce-list': 3 }),
      'announce-list',
      /announce-list is an integer/,
    ],
    [
      'length too large',
      torrentWith(singleInfo({ length: 2n ** 62n })),
      'info.length',
      /too large/,
    ],
  ])('%s', (_title, input, field, message) => {
    const err = errorOf(() => parseMetainfo(input));
    expect(err.field).toBe(field);
    if (typeof message === 'string') expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
  });

  test('missing info', () => {
    const err = errorOf(() => parseMetainfo(encode({ announce: 'x' })));
    expect([err.code, err.message]).toEqual(['MISSING_FIELD', 'info is missing']);
  });

  test('bad bencode, unsorted keys and oversize input are MetainfoErrors too', () => {
    expect(errorOf(() => parseMetainfo(Buffer.from('d4:info'))).code).toBe('BAD_BENCODE');
    const unsorted = Buffer.from(
      'd4:infod6:lengthi1e4:name1:a12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaae8:announce1:xe',
    );
    const err = errorOf(() => parseMetainfo(unsorted));
    expect(err.code).toBe('BAD_BENCODE');
    expect(err.message).toMatch(/out of order/);
    expect(errorOf(() => parseMetainfo(torrentWith(singleInfo()), { maxSize: 50 })).code).toBe(
      'TOO_LARGE',
    );
  });

  test('every truncation of a real torrent is refused with a MetainfoError', () => {
    const file = fixture('transmission-multi.torrent');
    for (let i = 0; i < file.length; i++) errorOf(() => parseMetainfo(file.subarray(0, i)));
  });

  test('pieceHash and pieceSize refuse indexes outside the torrent', () => {
    const m = parseMetainfo(torrentWith(singleInfo()));
    expect(pieceSize(m, 2)).toBe(40000 - 2 * 16384);
    for (const bad of [-1, 3, 1.5]) {
      expect(errorOf(() => pieceHash(m, bad)).code).toBe('BAD_PIECE_INDEX');
      expect(errorOf(() => pieceSize(m, bad)).code).toBe('BAD_PIECE_INDEX');
    }
  });
});

describe('parseInfoDictionary (metadata fetched from peers)', () => {
  test('gives the same metainfo as the .torrent, with trackers from the base', () => {
    const fromFile = parseMetainfo(fixture('transmission-multi.torrent'));
    const fromInfo = parseInfoDictionary(fromFile.info, {
      announceList: [['http://t.example/announce']],
    });
    expect(fromInfo.infoHash).toBe(fromFile.infoHash);
    expect(fromInfo.files).toEqual(fromFile.files);
    expect(fromInfo.pieceHashes.equals(fromFile.pieceHashes)).toBe(true);
    expect(fromInfo.announce).toBe('http://t.example/announce');
    expect(fromInfo.announceList).toEqual([['http://t.example/announce']]);
  });

  test('refuses garbage and non-dictionaries', () => {
    expect(errorOf(() => parseInfoDictionary(Buffer.from('i1e'))).field).toBe('info');
    expect(errorOf(() => parseInfoDictionary(Buffer.from('d4:name'))).code).toBe('BAD_BENCODE');
  });
});
