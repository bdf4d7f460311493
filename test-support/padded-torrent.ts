import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encode, type BDict } from '@swarmhub/bencode';

/**
 * Writes `files` (relative path and size) of random bytes under `root/name`, and returns the
 * .torrent libtorrent 2 makes of them (BEP 47): after each file but the last that does not end on
 * a piece boundary a padding entry `.pad/<size>` (attr "p"), the pieces hashed with zeros there.
 * No .pad file is written: a client that knows BEP 47 seeds without one.
 */
export async function makePaddedTorrent(
  root: string,
  name: string,
  files: [string, number][],
  options: { pieceLength: number; announce?: string },
): Promise<Buffer> {
  const entries: BDict[] = [];
  const content: Buffer[] = [];
  for (const [i, [rel, size]] of files.entries()) {
    const data = randomBytes(size);
    const file = path.join(root, name, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data);
    entries.push({ length: size, path: rel.split('/').map((c) => Buffer.from(c)) });
    content.push(data);
    const pad = (options.pieceLength - (size % options.pieceLength)) % options.pieceLength;
    if (i < files.length - 1 && pad > 0) {
      const padPath = ['.pad', String(pad)].map((c) => Buffer.from(c));
      entries.push({ attr: Buffer.from('p'), length: pad, path: padPath });
      content.push(Buffer.alloc(pad));
    }
  }
  const all = Buffer.concat(content);
  const hashes: Buffer[] = [];
  for (let offset = 0; offset < all.length; offset += options.pieceLength) {
    const piece = all.subarray(offset, offset + options.pieceLength);
    hashes.push(createHash('sha1').update(piece).digest());
  }
  const info: BDict = {
    files: entries,
    name: Buffer.from(name),
    'piece length': options.pieceLength,
    pieces: Buffer.concat(hashes),
  };
  return encode(options.announce ? { announce: Buffer.from(options.announce), info } : { info });
}
