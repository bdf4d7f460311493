// What the browser checks before an upload leaves it. The tracker checks again (it is the
// authority); these rules only spare the user a round trip for an obvious mistake.

export const MAX_TORRENT_FILE_BYTES = 10 * 1024 * 1024; // the tracker's default limit
export const MAX_TITLE_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 10_000;
export const MAX_TAGS_LENGTH = 500;

/** Null when the file may be a .torrent, else what is wrong with it. */
export function checkTorrentFile(
  file: { name: string; size: number },
  firstByte: number | undefined,
): string | null {
  if (!/\.torrent$/i.test(file.name))
    return `“${file.name}” is not a .torrent file. Choose a file whose name ends in .torrent.`;
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (file.size > MAX_TORRENT_FILE_BYTES) {
    return `“${file.name}” is ${(file.size / 1024 / 1024).toFixed(1)} MiB; the catalog accepts .torrent files up to 10 MiB.`;
  }
  // Every .torrent is a bencoded dictionary, which starts with 'd'.
  if (firstByte !== undefined && firstByte !== 0x64)
    return `“${file.name}” is not a torrent file (it is not bencoded).`;
  return null;
}
