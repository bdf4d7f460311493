import { expect, test } from 'vitest';
import { buildFileTree } from '../lib/file-tree';

test('a multi-file torrent becomes folders with summed sizes, folders before files', () => {
  const tree = buildFileTree([
    { path: 'album/b.flac', size: 20 },
    { path: 'album/cover/front.jpg', size: 5 },
    { path: 'album/a.flac', size: 10 },
    { path: 'album/cover/back.jpg', size: 3 },
  ]);
  expect(tree).toEqual([
    {
      name: 'album',
      path: 'album',
      size: 38,
      children: [
        {
          name: 'cover',
          path: 'album/cover',
          size: 8,
          children: [
            { name: 'back.jpg', path: 'album/cover/back.jpg', size: 3 },
            { name: 'front.jpg', path: 'album/cover/front.jpg', size: 5 },
          ],
        },
        { name: 'a.flac', path: 'album/a.flac', size: 10 },
        { name: 'b.flac', path: 'album/b.flac', size: 20 },
      ],
    },
  ]);
});

test('a single-file torrent is one file', () => {
  expect(buildFileTree([{ path: 'debian.iso', size: 7 }])).toEqual([
    { name: 'debian.iso', path: 'debian.iso', size: 7 },
  ]);
});

test('empty path components are ignored rather than drawn as nameless folders', () => {
  expect(
    buildFileTree([
      { path: '/a//b.txt', size: 1 },
      { path: '', size: 9 },
    ]),
  ).toEqual([
    { name: 'a', path: 'a', size: 1, children: [{ name: 'b.txt', path: 'a/b.txt', size: 1 }] },
  ]);
});
