import { BufferPool } from './buffer-pool.js';
import type { Storage } from './storage/index.js';

interface Entry {
  read: Promise<Buffer>;
  size: number;
  /** Blocks handed out (or being awaited) and not released yet. */
  holds: number;
  /** Set once the read has succeeded. */
  loaded?: Buffer;
  evicted: boolean;
}

/**
 * Whole pieces read from storage for serving requests: peers ask for a piece's blocks in a row,
 * so one read per piece instead of one per 16 KiB block. Bounded by bytes, least recently used out.
 *
 * Pieces are read into pooled buffers: a fresh buffer per piece read was a seeder's largest
 * source of garbage (external memory that brought on a full collection every few dozen pieces).
 * So every block handed out is held until its user calls `release` (once the socket has taken
 * it), and an evicted piece's buffer is reused only when none of its blocks is held. A hold is
 * taken when `read` is called, not when it resolves: the piece may be evicted in between.
 */
export class PieceCache {
  private readonly entries = new Map<number, Entry>();
  private bytes = 0;
  private readonly pool: BufferPool;
  /** Loaded entries by their buffer, to find a released block's piece. */
  private readonly byBuffer = new Map<ArrayBufferLike, Entry>();

  constructor(
    private readonly storage: Storage,
    private readonly pieceLength: number,
    private readonly pieceSizeOf: (index: number) => number,
    private readonly maxBytes = 32 << 20,
  ) {
    this.pool = new BufferPool(pieceLength);
  }

  /** The block, held for the caller: pass it to `release` once it is sent (or not needed). */
  async read(index: number, begin: number, length: number): Promise<Buffer> {
    const entry = this.entryFor(index);
    entry.holds++;
    try {
      const piece = await entry.read;
      return piece.subarray(begin, begin + length);
    } catch (err) {
      this.unhold(entry);
      throw err;
    }
  }

  /** The block, held like `read`'s, when its piece is already in memory; else undefined (then use read). */
  peek(index: number, begin: number, length: number): Buffer | undefined {
    const entry = this.entries.get(index);
    if (!entry?.loaded) return undefined;
    entry.holds++;
    return entry.loaded.subarray(begin, begin + length);
  }

  /** The socket has taken a block from `read` or `peek` (or it will not be sent): call once per block. */
  release(block: Buffer): void {
    const entry = this.byBuffer.get(block.buffer);
    if (entry) this.unhold(entry);
  }

  /**
   * Starts reading a piece that requests are queued for, so that it is in memory by the time the
   * sender reaches it: the disk read overlaps the sending of the pieces before it.
   */
  prefetch(index: number): void {
    this.entryFor(index);
  }

  clear(): void {
    for (const index of [...this.entries.keys()]) this.evict(index);
  }

  private entryFor(index: number): Entry {
    const existing = this.entries.get(index);
    if (existing) {
      this.entries.delete(index);
      this.entries.set(index, existing);
      return existing;
    }
    const size = this.pieceSizeOf(index);
    const entry: Entry = {
      read: this.storage.read(index * this.pieceLength, size, this.pool.take(size)),
      size,
      holds: 0,
      evicted: false,
    };
    entry.read.then(
      (piece) => {
        entry.loaded = piece;
        this.byBuffer.set(piece.buffer, entry);
        if (entry.evicted && entry.holds === 0) this.recycle(entry);
      },
      // Not loaded, so never reused: other parts of a failed read may still land in the buffer.
      () => {
        if (this.entries.get(index) === entry) this.evict(index);
      },
    );
    this.entries.set(index, entry);
    this.bytes += size;
    this.trim();
    return entry;
  }

  private unhold(entry: Entry): void {
    entry.holds--;
    if (entry.holds === 0 && entry.evicted && entry.loaded) this.recycle(entry);
  }

  private trim(): void {
    for (const index of this.entries.keys()) {
      if (this.bytes <= this.maxBytes || this.entries.size <= 2) break;
      this.evict(index);
    }
  }

  private evict(index: number): void {
    const entry = this.entries.get(index);
    if (!entry) return;
    this.entries.delete(index);
    this.bytes -= entry.size;
    entry.evicted = true;
    // A piece still being read is recycled when its read finishes (see entryFor).
    if (entry.holds === 0 && entry.loaded) this.recycle(entry);
  }

  private recycle(entry: Entry): void {
    const piece = entry.loaded!;
    this.byBuffer.delete(piece.buffer);
    entry.loaded = undefined;
    this.pool.give(piece);
  }
}
