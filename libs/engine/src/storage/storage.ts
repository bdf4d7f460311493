/**
 * Where a torrent's bytes live. Offsets are torrent-global: the files of a multi-file torrent
 * are laid end to end in file order, as the piece hashes see them.
 */
export interface Storage {
  /** The bytes, in `into` (its first `length` bytes, returned as that view) when it is given. */
  read(offset: number, length: number, into?: Buffer): Promise<Buffer>;
  write(offset: number, data: Buffer): Promise<void>;
  /** Makes every write so far durable; call it before recording a piece as verified. */
  sync(): Promise<void>;
  close(): Promise<void>;
  deleteData(): Promise<void>;
}

/**
 * The file shape storage needs; `TorrentFile` from `@swarmhub/metainfo` satisfies it.
 * `offset` is where the file starts in the torrent-global byte range.
 */
export interface StorageFile {
  path: string[];
  length: number;
  offset: number;
  /** BEP 47 padding: zeros by definition, so never on disk; reads give zeros, writes are dropped. */
  padding?: boolean;
}

export type StorageErrorCode =
  | 'OUT_OF_RANGE' // offset/length outside the torrent
  | 'MISSING_DATA' // a file that holds part of the range does not exist or is too short
  | 'UNSAFE_PATH' // a file path would leave the save directory
  | 'BAD_LAYOUT' // the file list is not contiguous in torrent order
  | 'CLOSED' // the storage was closed
  | 'IO'; // the operating system refused (permissions, disk full, ...)

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function checkRange(totalLength: number, offset: number, length: number): void {
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > totalLength
  ) {
    throw new StorageError(
      'OUT_OF_RANGE',
      `range ${offset}+${length} is outside the torrent (${totalLength} bytes)`,
    );
  }
}

/** The first `length` bytes of a caller's buffer to read into. */
export function targetOf(into: Buffer, length: number): Buffer {
  if (into.length < length) {
    throw new StorageError(
      'OUT_OF_RANGE',
      `a ${into.length}-byte buffer cannot hold ${length} bytes`,
    );
  }
  return into.length === length ? into : into.subarray(0, length);
}
