import { createHash } from 'node:crypto';
import { Bitfield } from '@swarmhub/wire';
import { StorageError, type Storage } from './storage.js';

/** The part of a `Metainfo` (from @swarmhub/metainfo) that hash checking reads. */
export interface PieceLayout {
  pieceLength: number;
  pieceCount: number;
  pieceHashes: Buffer;
  totalLength: number;
}

/** Bytes of piece reads a recheck keeps in flight, so the disk works while SHA-1 runs. */
const CHECK_READ_AHEAD_BYTES = 8 << 20;

/** True when the piece on storage matches its SHA-1; data that is missing on disk is simply a miss. */
export async function verifyPiece(
  storage: Storage,
  metainfo: PieceLayout,
  index: number,
): Promise<boolean> {
  checkPieceIndex(metainfo, index);
  const data = await readPieceOrNull(storage, metainfo, index);
  return data !== null && pieceMatches(metainfo, index, data);
}

/**
 * Recheck: hashes every piece and returns the ones that are good. Reads run a little ahead of
 * hashing, bounded to a few pieces in memory.
 */
export async function checkAll(
  storage: Storage,
  metainfo: PieceLayout,
  onProgress?: (checked: number) => void,
): Promise<Bitfield> {
  const have = new Bitfield(metainfo.pieceCount);
  // At least two, so one read is always overlapping the hashing of the previous piece.
  const readAhead = Math.max(
    2,
    Math.min(4, Math.floor(CHECK_READ_AHEAD_BYTES / metainfo.pieceLength)),
  );
  const reads: Promise<Buffer | null>[] = [];
  let next = 0;
  const fill = () => {
    while (reads.length < readAhead && next < metainfo.pieceCount) {
      const read = readPieceOrNull(storage, metainfo, next++);
      read.catch(() => undefined); // observed below; avoids an unhandled rejection meanwhile
      reads.push(read);
    }
  };
  fill();
  for (let index = 0; index < metainfo.pieceCount; index++) {
    const data = await reads.shift()!;
    fill();
    if (data !== null && pieceMatches(metainfo, index, data)) have.set(index);
    onProgress?.(index + 1);
  }
  return have;
}

function checkPieceIndex(metainfo: PieceLayout, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= metainfo.pieceCount) {
    throw new StorageError('OUT_OF_RANGE', `piece ${index} outside 0..${metainfo.pieceCount - 1}`);
  }
}

async function readPieceOrNull(
  storage: Storage,
  metainfo: PieceLayout,
  index: number,
): Promise<Buffer | null> {
  const offset = index * metainfo.pieceLength;
  const length = Math.min(metainfo.pieceLength, metainfo.totalLength - offset);
  try {
    return await storage.read(offset, length);
  } catch (err) {
    if (err instanceof StorageError && err.code === 'MISSING_DATA') return null;
    throw err;
  }
}

function pieceMatches(metainfo: PieceLayout, index: number, data: Buffer): boolean {
  const expected = metainfo.pieceHashes.subarray(index * 20, index * 20 + 20);
  if (expected.length !== 20) return false;
  return createHash('sha1').update(data).digest().equals(expected);
}
