import { lstat, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { encode, type BDict } from '@swarmhub/bencode';
import { MetainfoError } from './errors.js';
import { hashPieces, type HashSource } from './hash-pool.js';
import { MAX_PIECE_LENGTH, parseMetainfo } from './parse.js';
import type { CreateTorrentOptions, Metainfo } from './types.js';

export const DEFAULT_CREATED_BY = 'Swarmhub/0.1.0';
export const MIN_AUTO_PIECE_LENGTH = 16 * 1024;
export const MAX_AUTO_PIECE_LENGTH = 16 * 1024 * 1024;
const TARGET_MAX_PIECES = 2000;

/**
 * The smallest power of two from 16 KiB to 16 MiB that gives at most 2,000 pieces: so between
 * 1,000 and 2,000 pieces whenever the size allows it, fewer for tiny content, more above 32 GiB.
 */
export function autoPieceLength(totalLength: number): number {
  let length = MIN_AUTO_PIECE_LENGTH;
  while (length < MAX_AUTO_PIECE_LENGTH && Math.ceil(totalLength / length) > TARGET_MAX_PIECES)
    length *= 2;
  return length;
}

interface SourceFile extends HashSource {
  /** Path components inside the torrent (without the torrent's name). */
  components: string[];
}

function compareComponents(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = Buffer.compare(Buffer.from(a[i]!), Buffer.from(b[i]!));
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/**
 * Names are written as they are on disk, as other clients do: a reader on another system (ours
 * included) neutralises what it cannot create there ("aux.c", "a:b"). Only names that are not
 * UTF-8 are refused, because they cannot be written into a torrent faithfully.
 */
function checkName(name: string, where: string): void {
  if (name.includes('\uFFFD')) {
    throw new MetainfoError('BAD_FILE_NAME', `${where}: file name is not valid UTF-8`);
  }
}

async function walk(dir: string, prefix: string[], out: SourceFile[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const full = join(dir, entry.name);
    const components = [...prefix, entry.name];
    checkName(entry.name, full);
    let kind = entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'other';
    if (entry.isSymbolicLink()) {
      // Symlinked files are followed; symlinked directories are not, so a link cycle cannot loop.
      const target = await stat(full).catch(() => undefined);
      kind = target?.isFile() ? 'file' : 'other';
    }
    if (kind === 'dir') await walk(full, components, out);
    else if (kind === 'file')
      out.push({ path: full, length: (await stat(full)).size, offset: 0, components });
  }
}

function normaliseTiers(trackers: CreateTorrentOptions['trackers']): string[][] {
  if (!trackers || trackers.length === 0) return [];
  const tiers = (trackers as Array<string | string[]>).map((t) => (Array.isArray(t) ? t : [t]));
  for (const url of tiers.flat()) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new MetainfoError(
        'BAD_TRACKER',
        `tracker ${JSON.stringify(url)} is not a URL`,
        'announce',
      );
    }
    if (!['http:', 'https:', 'udp:', 'ws:', 'wss:'].includes(parsed.protocol)) {
      throw new MetainfoError(
        'BAD_TRACKER',
        `tracker ${JSON.stringify(url)} must be http, https or udp`,
        'announce',
      );
    }
  }
  return tiers.filter((t) => t.length > 0);
}

function checkPieceLength(pieceLength: number): void {
  if (
    !Number.isInteger(pieceLength) ||
    pieceLength < MIN_AUTO_PIECE_LENGTH ||
    pieceLength > MAX_PIECE_LENGTH ||
    (pieceLength & (pieceLength - 1)) !== 0
  ) {
    throw new MetainfoError(
      'BAD_PIECE_LENGTH',
      `piece length ${pieceLength} must be a power of two from ${MIN_AUTO_PIECE_LENGTH} to ${MAX_PIECE_LENGTH} bytes`,
      'info.piece length',
    );
  }
}

/**
 * Creates a .torrent for a file (single-file torrent) or a directory (multi-file, files sorted by
 * their path bytes). Content is read from disk in pieces on worker threads, never held whole.
 */
export async function createTorrent(
  path: string,
  options: CreateTorrentOptions = {},
): Promise<{ torrent: Buffer; metainfo: Metainfo }> {
  const root = resolve(path);
  const rootStat = await lstat(root).catch((err: NodeJS.ErrnoException) => {
    throw new MetainfoError(
      'NOT_FOUND',
      `cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`,
    );
  });
  const name = basename(root);
  if (name === '')
    throw new MetainfoError('BAD_FILE_NAME', `${path} has no name to give the torrent`);
  checkName(name, root);
  const tiers = normaliseTiers(options.trackers);
  if (options.pieceLength !== undefined) checkPieceLength(options.pieceLength);

  let files: SourceFile[];
  const isDirectory =
    rootStat.isDirectory() || (rootStat.isSymbolicLink() && (await stat(root)).isDirectory());
  if (isDirectory) {
    files = [];
    await walk(root, [], files).catch((err: NodeJS.ErrnoException) => {
      if (err instanceof MetainfoError) throw err;
      throw new MetainfoError('READ_FAILED', `cannot read ${path}: ${err.message}`);
    });
    files.sort((a, b) => compareComponents(a.components, b.components));
    if (files.length === 0) throw new MetainfoError('EMPTY', `${path} holds no files`);
  } else {
    const st = await stat(root);
    if (!st.isFile())
      throw new MetainfoError('NOT_A_FILE', `${path} is neither a regular file nor a directory`);
    files = [{ path: root, length: st.size, offset: 0, components: [] }];
  }
  let offset = 0;
  for (const file of files) {
    file.offset = offset;
    offset += file.length;
  }
  const totalLength = offset;
  if (totalLength === 0)
    throw new MetainfoError('EMPTY', `${path} holds 0 bytes; a torrent needs content`);

  const pieceLength = options.pieceLength ?? autoPieceLength(totalLength);
  const pieces = await hashPieces(files, {
    pieceLength,
    totalLength,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });

  const info: BDict = { name: Buffer.from(name), 'piece length': pieceLength, pieces };
  if (isDirectory)
    info.files = files.map((f) => ({
      length: f.length,
      path: f.components.map((c) => Buffer.from(c)),
    }));
  else info.length = totalLength;
  if (options.private) info.private = 1;

  const torrent: Record<string, unknown> = {
    'created by': options.createdBy ?? DEFAULT_CREATED_BY,
    'creation date': Math.floor(Date.now() / 1000),
    info,
  };
  if (tiers.length > 0) {
    torrent.announce = tiers[0]![0]!;
    torrent['announce-list'] = tiers;
  }
  if (options.comment !== undefined && options.comment !== '') torrent.comment = options.comment;
  if (options.urlList && options.urlList.length > 0) torrent['url-list'] = options.urlList;
  const bytes = encode(torrent as BDict);
  return { torrent: bytes, metainfo: parseMetainfo(bytes) };
}
