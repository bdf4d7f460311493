import { expect, test } from 'vitest';
import { checkTorrentFile, MAX_TORRENT_FILE_BYTES } from '../lib/upload-rules';

test('a bencoded .torrent within the limit passes', () => {
  expect(checkTorrentFile({ name: 'debian.torrent', size: 1000 }, 0x64)).toBeNull();
  expect(checkTorrentFile({ name: 'DEBIAN.TORRENT', size: 1000 }, 0x64)).toBeNull();
});

test('the wrong type, an empty file, a file over 10 MiB and non-bencode are each named', () => {
  expect(checkTorrentFile({ name: 'photo.jpg', size: 10 }, 0xff)).toMatch(/not a \.torrent file/);
  expect(checkTorrentFile({ name: 'a.torrent', size: 0 }, undefined)).toMatch(/empty/);
  expect(checkTorrentFile({ name: 'a.torrent', size: MAX_TORRENT_FILE_BYTES + 1 }, 0x64)).toMatch(
    /up to 10 MiB/,
  );
  expect(checkTorrentFile({ name: 'a.torrent', size: 10 }, 0x3c)).toMatch(/not bencoded/);
});
