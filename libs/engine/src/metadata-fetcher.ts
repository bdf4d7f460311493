import { createHash } from 'node:crypto';

export const METADATA_PIECE_SIZE = 16384;
/** Refuse info dictionaries beyond this: a peer cannot make us allocate without bound. */
export const MAX_METADATA_SIZE = 16 << 20;

/**
 * Gathers the info dictionary from peers over ut_metadata (BEP 9): 16 KiB pieces, each asked of
 * one peer at a time, the whole checked against the info hash before it is believed.
 */
export class MetadataFetcher {
  size?: number;
  private pieces: (Buffer | undefined)[] = [];
  private readonly requested = new Map<number, { peer: string; at: number }>();

  constructor(private readonly infoHash: Buffer) {}

  /** A peer announced `metadata_size`; the first plausible size wins (the hash settles who was right). */
  offerSize(size: number): boolean {
    if (!Number.isSafeInteger(size) || size <= 0 || size > MAX_METADATA_SIZE) return false;
    if (this.size === undefined) {
      this.size = size;
      this.pieces = new Array<Buffer | undefined>(Math.ceil(size / METADATA_PIECE_SIZE)).fill(
        undefined,
      );
    }
    return this.size === size;
  }

  /** The next piece to ask `peer` for, or undefined when none is free. */
  nextRequest(peer: string, now = Date.now(), timeoutMs = 10_000): number | undefined {
    if (this.size === undefined) return undefined;
    for (let i = 0; i < this.pieces.length; i++) {
      if (this.pieces[i]) continue;
      const r = this.requested.get(i);
      if (r && r.peer !== peer && now - r.at < timeoutMs) continue;
      if (r && r.peer === peer) continue;
      this.requested.set(i, { peer, at: now });
      return i;
    }
    return undefined;
  }

  rejected(piece: number): void {
    this.requested.delete(piece);
  }

  peerGone(peer: string): void {
    for (const [i, r] of this.requested) if (r.peer === peer) this.requested.delete(i);
  }

  /**
   * Stores a piece. Returns the complete info dictionary once it hashes to the info hash, 'bad'
   * when everything arrived but the hash does not match (then it starts over), else undefined.
   */
  received(piece: number, totalSize: number, data: Buffer): Buffer | 'bad' | undefined {
    if (this.size === undefined || totalSize !== this.size) return undefined;
    if (piece < 0 || piece >= this.pieces.length) return undefined;
    const expected =
      piece === this.pieces.length - 1
        ? this.size - piece * METADATA_PIECE_SIZE
        : METADATA_PIECE_SIZE;
    if (data.length !== expected) return undefined;
    this.pieces[piece] = Buffer.from(data);
    this.requested.delete(piece);
    if (this.pieces.some((p) => !p)) return undefined;
    const info = Buffer.concat(this.pieces as Buffer[]);
    if (createHash('sha1').update(info).digest().equals(this.infoHash)) return info;
    this.pieces.fill(undefined);
    return 'bad';
  }
}
