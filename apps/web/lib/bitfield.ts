// Reads the agent's piece bitfield (base64, most significant bit of the first byte is piece 0,
// as on the BitTorrent wire) for the piece picture.

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

/**
 * Folds the pieces into at most `cells` cells, each holding the fraction of its pieces that are
 * done: a torrent of 100,000 pieces still draws as a picture a person can read.
 */
export function pieceCells(bitfield: Uint8Array, pieceCount: number, cells: number): number[] {
  if (pieceCount <= 0 || cells <= 0) return [];
  const cellCount = Math.min(cells, pieceCount);
  const result: number[] = [];
  for (let cell = 0; cell < cellCount; cell += 1) {
    const start = Math.floor((cell * pieceCount) / cellCount);
    const end = Math.floor(((cell + 1) * pieceCount) / cellCount);
    let done = 0;
    for (let i = start; i < end; i += 1) if (pieceDone(bitfield, i)) done += 1;
    result.push(done / (end - start));
  }
  return result;
}
