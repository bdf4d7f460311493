import { join, resolve, sep } from 'node:path';
import { describe, expect, test } from 'vitest';
import { thrownBy } from '../../../test-support/errors.js';
import { MetainfoError, parseMetainfo, resolveFilePath, type TorrentFile } from '../src/index.js';
import { multiInfo, singleInfo, torrentWith } from './helpers.js';

const errorOf = (fn: () => unknown) => thrownBy(MetainfoError, fn);

const pathsOf = (paths: (string | Buffer)[][], name = 'dir') =>
  parseMetainfo(torrentWith(multiInfo(paths, { name: Buffer.from(name) }))).files.map(
    (f) => f.path,
  );

describe('hostile torrents: file names are neutralised or refused', () => {
  test('.. anywhere is refused, naming the file', () => {
    const err = errorOf(() => pathsOf([['ok'], ['a', '..', '..', 'etc', 'passwd']]));
    expect(err.code).toBe('UNSAFE_PATH');
    expect(err.message).toBe("info.files[1].path contains '..'");
    expect(
      errorOf(() => parseMetainfo(torrentWith(singleInfo({ name: Buffer.from('..') })))).field,
    ).toBe('info.name');
  });

  test('absolute paths and embedded separators cannot leave the torrent directory', () => {
    expect(pathsOf([['/etc/passwd'], ['C:\\Windows\\system32'], ['', 'etc', 'shadow']])).toEqual([
      ['dir', '_etc_passwd'],
      ['dir', 'C__Windows_system32'],
      ['dir', 'etc', 'shadow'],
    ]);
    expect(
      parseMetainfo(torrentWith(singleInfo({ name: Buffer.from('/etc/passwd') }))).files[0]!.path,
    ).toEqual(['_etc_passwd']);
  });

  test('empty and "." components are dropped; a path with nothing left is refused', () => {
    expect(pathsOf([['a', '', '.', 'b']])).toEqual([['dir', 'a', 'b']]);
    expect(errorOf(() => pathsOf([['', '.']])).message).toBe(
      'info.files[0].path has no usable component',
    );
    expect(errorOf(() => pathsOf([[]])).message).toBe('info.files[0].path has no usable component');
  });

  test('NUL, control characters and Windows-forbidden characters are replaced', () => {
    expect(pathsOf([['a\x00b'], ['tab\there'], ['new\nline'], ['del\x7f'], ['q?<>|*"x']])).toEqual([
      ['dir', 'a_b'],
      ['dir', 'tab_here'],
      ['dir', 'new_line'],
      ['dir', 'del_'],
      ['dir', 'q______x'],
    ]);
  });

  test('Windows reserved names are prefixed, trailing dots and spaces stripped', () => {
    expect(
      pathsOf([
        ['CON'],
        ['nul.txt'],
        ['com1'],
        ['LPT9.log'],
        ['console'],
        ['dots...'],
        ['space  '],
        ['...'],
      ]),
    ).toEqual([
      ['dir', '_CON'],
      ['dir', '_nul.txt'],
      ['dir', '_com1'],
      ['dir', '_LPT9.log'],
      ['dir', 'console'],
      ['dir', 'dots'],
      ['dir', 'space'],
      ['dir', '_'],
    ]);
  });

  test('invalid UTF-8 is neutralised and overlong names are cut to 255 bytes, keeping the extension', () => {
    const [bad, long] = pathsOf([[Buffer.from([0x66, 0xff, 0xfe])], ['é'.repeat(200) + '.mkv']]);
    expect(bad).toEqual(['dir', 'f\uFFFD\uFFFD']);
    expect(Buffer.byteLength(long![1]!)).toBeLessThanOrEqual(255);
    expect(long![1]!.endsWith('.mkv')).toBe(true);
    expect(long![1]!.startsWith('éé')).toBe(true);
  });

  test('absurd nesting is refused: bencode depth and path depth', () => {
    const deep = Buffer.concat([
      Buffer.from('d4:info'),
      Buffer.from('l'.repeat(200)),
      Buffer.from('e'.repeat(200)),
      Buffer.from('e'),
    ]);
    const err = errorOf(() => parseMetainfo(deep));
    expect(err.code).toBe('BAD_BENCODE');
    expect(err.message).toMatch(/nesting deeper than 100 levels/);
    const tooDeep = errorOf(() => pathsOf([Array.from({ length: 65 }, () => 'd')]));
    expect(tooDeep.message).toBe('info.files[0].path has 65 components, more than 64');
  });

  test('files that collide once sanitised are refused', () => {
    expect(errorOf(() => pathsOf([['a.'], ['a']])).code).toBe('PATH_CONFLICT');
    expect(errorOf(() => pathsOf([['x'], ['x', 'y']])).code).toBe('PATH_CONFLICT');
    expect(errorOf(() => pathsOf([['x', 'y'], ['x']])).code).toBe('PATH_CONFLICT');
    expect(errorOf(() => pathsOf([['same'], ['same']])).code).toBe('PATH_CONFLICT');
    expect(pathsOf([['A'], ['a']])).toEqual([
      ['dir', 'A'],
      ['dir', 'a'],
    ]);
  });
});

describe('resolveFilePath', () => {
  const root = resolve('/srv/downloads');

  test('joins sanitised components under root', () => {
    const m = parseMetainfo(torrentWith(multiInfo([['sub', 'file.bin']])));
    expect(resolveFilePath('/srv/downloads', m.files[0]!)).toBe(
      join(root, 'dir', 'sub', 'file.bin'),
    );
    expect(resolveFilePath('/srv/downloads/', m.files[0]!).startsWith(root + sep)).toBe(true);
  });

  test.each<[string, string[]]>([
    ['dot-dot', ['..', 'etc']],
    ['nested dot-dot', ['a', '..', '..', 'b']],
    ['absolute component', ['/etc/passwd']],
    ['backslash', ['a\\..\\..\\b']],
    ['NUL', ['a\x00b']],
    ['empty path', []],
    ['empty component', ['a', '']],
    ['dot', ['.']],
  ])('refuses hand-built paths that could escape: %s', (_title, path) => {
    const file: TorrentFile = { path, length: 1, offset: 0, padding: false };
    expect(errorOf(() => resolveFilePath(root, file)).code).toBe('UNSAFE_PATH');
  });
});
