// Reads the agent's piece bitfields (base64, most significant bit of the first byte is piece 0,
// as on the BitTorrent wire) for the piece picture: `bitfield` holds the pieces done,
// `inProgress` those being downloaded.

export function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function pieceDone(bitfield: Uint8Array, index: number): boolean {
  const byte = bitfield[index >> 3];
  return byte !== undefined && (byte & (0x80 >> (index & 7))) !== 0;
}

export interface PieceCounts {
  done: number;
  inProgress: number;
  missing: number;
}

/** A piece set in both maps counts as done: the agent promises no overlap, the page does not rely on it. */
export function pieceCounts(
  done: Uint8Array,
  inProgress: Uint8Array,
  pieceCount: number,
): PieceCounts {
  const counts = { done: 0, inProgress: 0, missing: 0 };
  for (let i = 0; i < pieceCount; i += 1) {
    if (pieceDone(done, i)) counts.done += 1;
    else if (pieceDone(inProgress, i)) counts.inProgress += 1;
    else counts.missing += 1;
  }
  return counts;
}

/** Fractions of a cell's pieces that are done and in progress; the rest are missing. */
export interface PieceCell {
  done: number;
  inProgress: number;
}

/**
 * Folds the pieces into at most `cells` cells: a torrent of 100,000 pieces still draws as a
 * picture a person can read.
 */
export function pieceCells(
  done: Uint8Array,
  inProgress: Uint8Array,
  pieceCount: number,
  cells: number,
): PieceCell[] {
  if (pieceCount <= 0 || cells <= 0) return [];
  const cellCount = Math.min(cells, pieceCount);
  const result: PieceCell[] = [];
  for (let cell = 0; cell < cellCount; cell += 1) {
    const start = Math.floor((cell * pieceCount) / cellCount);
    const end = Math.floor(((cell + 1) * pieceCount) / cellCount);
    let doneHere = 0;
    let inProgressHere = 0;
    for (let i = start; i < end; i += 1) {
      if (pieceDone(done, i)) doneHere += 1;
      else if (pieceDone(inProgress, i)) inProgressHere += 1;
    }
    result.push({ done: doneHere / (end - start), inProgress: inProgressHere / (end - start) });
  }
  return result;
}

export type CellState = 'done' | 'in-progress' | 'partial' | 'missing';

/** A cell is drawn in progress as soon as one of its pieces is being downloaded. */
export function cellState(cell: PieceCell): CellState {
  if (cell.done >= 1) return 'done';
  if (cell.inProgress > 0) return 'in-progress';
  if (cell.done > 0) return 'partial';
  return 'missing';
}
