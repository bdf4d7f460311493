import { createHash } from 'node:crypto';
import {
  BencodeError,
  decode,
  decodeTorrentFile,
  type BDict,
  type BValue,
} from '@swarmhub/bencode';
import { MetainfoError } from './errors.js';
import { checkPathConflicts, sanitizePath } from './file-path.js';
import type { Metainfo, TorrentFile } from './types.js';

export const DEFAULT_MAX_TORRENT_SIZE = 32 * 1024 * 1024;
/** Above this an engine cannot hold a piece in memory comfortably; mktorrent's own maximum is 2^28. */
export const MAX_PIECE_LENGTH = 256 * 1024 * 1024;
const MAX_FILES = 1_000_000;
const MAX_PATH_DEPTH = 64;

function isDict(v: BValue | undefined): v is BDict {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function typeName(v: BValue): string {
  if (Buffer.isBuffer(v)) return 'a string';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a dictionary';
  return 'an integer';
}

function wrongType(field: string, v: BValue, expected: string): MetainfoError {
  return new MetainfoError('BAD_FIELD', `${field} is ${typeName(v)}, expected ${expected}`, field);
}

function text(v: BValue | undefined, field: string): string | undefined {
  if (v === undefined) return undefined;
  if (!Buffer.isBuffer(v)) throw wrongType(field, v, 'a string');
  return v.toString('utf8');
}

function requiredText(dict: BDict, key: string, field: string): string {
  const value = text(dict[key], field);
  if (value === undefined) throw new MetainfoError('MISSING_FIELD', `${field} is missing`, field);
  return value;
}

function integer(v: BValue | undefined, field: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'bigint')
    throw new MetainfoError('BAD_FIELD', `${field} ${v} is too large`, field);
  if (typeof v !== 'number') throw wrongType(field, v, 'an integer');
  return v;
}

function length(v: BValue | undefined, field: string): number {
  const n = integer(v, field);
  if (n === undefined) throw new MetainfoError('MISSING_FIELD', `${field} is missing`, field);
  if (n < 0) throw new MetainfoError('BAD_FIELD', `${field} ${n} is negative`, field);
  return n;
}

function urlList(v: BValue | undefined, field: string): string[] {
  if (v === undefined) return [];
  // BEP 19 allows a single string as well as a list.
  const items = Buffer.isBuffer(v) ? [v] : Array.isArray(v) ? v : undefined;
  if (!items) throw wrongType(field, v, 'a string or a list of strings');
  const urls: string[] = [];
  for (const [i, item] of items.entries()) {
    const url = text(item, `${field}[${i}]`)!.trim();
    if (url !== '') urls.push(url);
  }
  return urls;
}

/** BEP 47 `attr`: one character per flag, in any order; unknown flags are ignored. */
function isPadding(v: BValue | undefined, field: string): boolean {
  return text(v, field)?.includes('p') ?? false;
}

function announceList(v: BValue | undefined): string[][] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw wrongType('announce-list', v, 'a list of tiers');
  const tiers: string[][] = [];
  for (const [i, tier] of v.entries()) {
    if (!Array.isArray(tier)) throw wrongType(`announce-list[${i}]`, tier, 'a list of URLs');
    const urls = urlList(tier, `announce-list[${i}]`);
    // Empty tiers are common in the wild and harmless: dropped rather than refused.
    if (urls.length > 0) tiers.push(urls);
  }
  return tiers;
}

interface InfoFields {
  name: string;
  pieceLength: number;
  pieceCount: number;
  pieceHashes: Buffer;
  files: TorrentFile[];
  totalLength: number;
  isMultiFile: boolean;
  private: boolean;
}

function parseFiles(list: BValue, name: string): TorrentFile[] {
  if (!Array.isArray(list)) throw wrongType('info.files', list, 'a list');
  if (list.length === 0) throw new MetainfoError('BAD_FIELD', 'info.files is empty', 'info.files');
  if (list.length > MAX_FILES)
    throw new MetainfoError(
      'BAD_FIELD',
      `info.files has ${list.length} entries, more than ${MAX_FILES}`,
      'info.files',
    );
  const files: TorrentFile[] = [];
  let offset = 0;
  for (const [i, entry] of list.entries()) {
    const field = `info.files[${i}]`;
    if (!isDict(entry)) throw wrongType(field, entry, 'a dictionary');
    const fileLength = length(entry.length, `${field}.length`);
    const rawPath = entry.path;
    if (rawPath === undefined)
      throw new MetainfoError('MISSING_FIELD', `${field}.path is missing`, `${field}.path`);
    if (!Array.isArray(rawPath)) throw wrongType(`${field}.path`, rawPath, 'a list of strings');
    if (rawPath.length > MAX_PATH_DEPTH) {
      throw new MetainfoError(
        'BAD_FIELD',
        `${field}.path has ${rawPath.length} components, more than ${MAX_PATH_DEPTH}`,
        `${field}.path`,
      );
    }
    const components = rawPath.map((c, j) => text(c, `${field}.path[${j}]`)!);
    const path = [name, ...sanitizePath(components, `${field}.path`)];
    const padding = isPadding(entry.attr, `${field}.attr`);
    files.push({ path, length: fileLength, offset, padding });
    offset += fileLength;
    if (!Number.isSafeInteger(offset))
      throw new MetainfoError('BAD_FIELD', 'total length of info.files is too large', 'info.files');
  }
  checkPathConflicts(files);
  return files;
}

function parseInfo(info: BDict): InfoFields {
  const rawName = requiredText(info, 'name', 'info.name');
  const name = sanitizePath([rawName], 'info.name');
  if (name.length !== 1)
    throw new MetainfoError('UNSAFE_PATH', 'info.name is not a single name', 'info.name');

  const pieceLength = length(info['piece length'], 'info.piece length');
  if (pieceLength === 0)
    throw new MetainfoError('BAD_FIELD', 'info.piece length is 0', 'info.piece length');
  if (pieceLength > MAX_PIECE_LENGTH) {
    throw new MetainfoError(
      'BAD_FIELD',
      `info.piece length ${pieceLength} exceeds the maximum of ${MAX_PIECE_LENGTH}`,
      'info.piece length',
    );
  }

  const pieces = info.pieces;
  if (pieces === undefined)
    throw new MetainfoError('MISSING_FIELD', 'info.pieces is missing', 'info.pieces');
  if (!Buffer.isBuffer(pieces)) throw wrongType('info.pieces', pieces, 'a string');
  if (pieces.length % 20 !== 0) {
    throw new MetainfoError(
      'BAD_FIELD',
      `info.pieces length ${pieces.length} is not a multiple of 20`,
      'info.pieces',
    );
  }

  const hasLength = info.length !== undefined;
  const hasFiles = info.files !== undefined;
  if (hasLength && hasFiles)
    throw new MetainfoError('BAD_FIELD', 'info has both length and files', 'info');
  if (!hasLength && !hasFiles)
    throw new MetainfoError('MISSING_FIELD', 'info has neither length nor files', 'info');
  // A lone file cannot be padding, so a single-file attr changes nothing; its type is still checked.
  if (!hasFiles) text(info.attr, 'info.attr');
  const files = hasFiles
    ? parseFiles(info.files!, name[0]!)
    : [{ path: name, length: length(info.length, 'info.length'), offset: 0, padding: false }];
  const last = files[files.length - 1]!;
  const totalLength = last.offset + last.length;
  if (!Number.isSafeInteger(totalLength))
    throw new MetainfoError('BAD_FIELD', 'info.length is too large', 'info.length');
  if (totalLength === 0)
    throw new MetainfoError(
      'BAD_FIELD',
      'the torrent holds 0 bytes',
      hasFiles ? 'info.files' : 'info.length',
    );

  const pieceCount = pieces.length / 20;
  const expectedPieces = Math.ceil(totalLength / pieceLength);
  if (pieceCount !== expectedPieces) {
    throw new MetainfoError(
      'BAD_FIELD',
      `info.pieces holds ${pieceCount} hashes but ${totalLength} bytes in pieces of ${pieceLength} need ${expectedPieces}`,
      'info.pieces',
    );
  }

  const priv = integer(info.private, 'info.private');
  return {
    name: name[0]!,
    pieceLength,
    pieceCount,
    pieceHashes: pieces,
    files,
    totalLength,
    isMultiFile: hasFiles,
    private: priv === 1,
  };
}

function rethrowBencode(err: unknown, what: string): never {
  if (err instanceof BencodeError)
    throw new MetainfoError('BAD_BENCODE', `${what} is not valid bencode: ${err.message}`);
  throw err;
}

/** Parses and validates a .torrent file. The info hash is taken over the info bytes exactly as they stand in the file. */
export function parseMetainfo(data: Uint8Array, options: { maxSize?: number } = {}): Metainfo {
  const maxSize = options.maxSize ?? DEFAULT_MAX_TORRENT_SIZE;
  if (data.length > maxSize)
    throw new MetainfoError(
      'TOO_LARGE',
      `torrent file of ${data.length} bytes exceeds the limit of ${maxSize}`,
    );
  let decoded: ReturnType<typeof decodeTorrentFile>;
  try {
    decoded = decodeTorrentFile(data, { maxSize, strict: true });
  } catch (err) {
    rethrowBencode(err, 'torrent file');
  }
  const { value: root, infoSpan } = decoded;
  if (root.info === undefined || !infoSpan)
    throw new MetainfoError('MISSING_FIELD', 'info is missing', 'info');
  if (!isDict(root.info)) throw wrongType('info', root.info, 'a dictionary');
  const fields = parseInfo(root.info);
  const raw = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // A copy, so the result does not pin (or change with) the caller's buffer.
  const info = Buffer.from(raw.subarray(infoSpan.start, infoSpan.end));

  const announce = text(root.announce, 'announce')?.trim() || undefined;
  let tiers = announceList(root['announce-list']);
  if (tiers.length === 0 && announce) tiers = [[announce]];
  const creation = integer(root['creation date'], 'creation date');
  const creationDate =
    creation !== undefined && creation > 0 && creation < 253402300800
      ? new Date(creation * 1000)
      : undefined;
  return withHash(info, {
    ...fields,
    pieceHashes: Buffer.from(fields.pieceHashes),
    ...(announce ? { announce } : {}),
    announceList: tiers,
    urlList: urlList(root['url-list'], 'url-list'),
    ...optional('comment', text(root.comment, 'comment')),
    ...optional('createdBy', text(root['created by'], 'created by')),
    ...optional('creationDate', creationDate),
  });
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function withHash(
  info: Buffer,
  rest: Omit<Metainfo, 'infoHash' | 'infoHashBytes' | 'info'>,
): Metainfo {
  const infoHashBytes = createHash('sha1').update(info).digest();
  return { infoHash: infoHashBytes.toString('hex'), infoHashBytes, info, ...rest };
}

/** Builds a Metainfo from an info dictionary fetched over BEP 9; `base` supplies trackers and the like (from the magnet). */
export function parseInfoDictionary(info: Buffer, base: Partial<Metainfo> = {}): Metainfo {
  let dict: BValue;
  try {
    dict = decode(info, { maxSize: DEFAULT_MAX_TORRENT_SIZE, strict: true });
  } catch (err) {
    rethrowBencode(err, 'info dictionary');
  }
  if (!isDict(dict)) throw wrongType('info', dict, 'a dictionary');
  const copy = Buffer.from(info);
  const fields = parseInfo(dict);
  const announceList = base.announceList ?? (base.announce ? [[base.announce]] : []);
  return withHash(copy, {
    ...fields,
    pieceHashes: Buffer.from(fields.pieceHashes),
    ...optional('announce', base.announce ?? announceList[0]?.[0]),
    announceList,
    urlList: base.urlList ?? [],
    ...optional('comment', base.comment),
    ...optional('createdBy', base.createdBy),
    ...optional('creationDate', base.creationDate),
  });
}

export function pieceHash(m: Metainfo, index: number): Buffer {
  checkIndex(m, index);
  return m.pieceHashes.subarray(index * 20, index * 20 + 20);
}

export function pieceSize(m: Metainfo, index: number): number {
  checkIndex(m, index);
  if (index < m.pieceCount - 1) return m.pieceLength;
  return m.totalLength - m.pieceLength * (m.pieceCount - 1);
}

function checkIndex(m: Metainfo, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= m.pieceCount) {
    throw new MetainfoError(
      'BAD_PIECE_INDEX',
      `piece index ${index} is outside 0..${m.pieceCount - 1}`,
    );
  }
}
