import type { Storage } from './storage/index.js';

/**
 * Whole pieces read from storage for serving requests: peers ask for a piece's blocks in a row,
 * so one read per piece instead of one per 16 KiB block. Bounded by bytes, least recently used out.
 */
export class PieceCache {
  private readonly entries = new Map<number, Promise<Buffer>>();
  private bytes = 0;
  private readonly sizes = new Map<number, number>();
  /** Pieces whose read has finished, for serving without a promise round trip. */
  private readonly loaded = new Map<number, Buffer>();

  constructor(
    private readonly storage: Storage,
    private readonly pieceLength: number,
    private readonly pieceSizeOf: (index: number) => number,
    private readonly maxBytes = 32 << 20,
  ) {}

  async read(index: number, begin: number, length: number): Promise<Buffer> {
    let entry = this.entries.get(index);
    if (entry) {
      this.entries.delete(index);
      this.entries.set(index, entry);
    } else {
      const size = this.pieceSizeOf(index);
      entry = this.storage.read(index * this.pieceLength, size);
      this.entries.set(index, entry);
      const pending = entry;
      entry.then(
        (buf) => {
          if (this.entries.get(index) === pending) this.loaded.set(index, buf);
        },
        () => undefined,
      );
      this.sizes.set(index, size);
      this.bytes += size;
      entry.catch(() => this.evict(index));
      this.trim();
    }
    const piece = await entry;
    return piece.subarray(begin, begin + length);
  }

  /**
   * Starts reading a piece that requests are queued for, so that it is in memory by the time the
   * sender reaches it: the disk read overlaps the sending of the pieces before it.
   */
  prefetch(index: number): void {
    if (!this.entries.has(index)) this.read(index, 0, 0).catch(() => undefined);
  }

  /** The block when its piece is already in memory, else undefined (then use read). */
  peek(index: number, begin: number, length: number): Buffer | undefined {
    const piece = this.loaded.get(index);
    return piece ? piece.subarray(begin, begin + length) : undefined;
  }

  clear(): void {
    this.entries.clear();
    this.loaded.clear();
    this.sizes.clear();
    this.bytes = 0;
  }

  private trim(): void {
    for (const index of this.entries.keys()) {
      if (this.bytes <= this.maxBytes || this.entries.size <= 2) break;
      this.evict(index);
    }
  }

  private evict(index: number): void {
    if (!this.entries.delete(index)) return;
    this.loaded.delete(index);
    this.bytes -= this.sizes.get(index) ?? 0;
    this.sizes.delete(index);
  }
}
