/**
 * Piece-sized buffers handed out again once their piece is on disk: a download allocates a few
 * dozen buffers instead of one per piece, which keeps the garbage collector and the resident
 * size down at hundreds of MB/s.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly size: number,
    private readonly maxFree = 8,
  ) {}

  take(length: number): Buffer {
    if (length !== this.size) return Buffer.allocUnsafeSlow(length);
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  give(buf: Buffer): void {
    if (buf.length === this.size && this.free.length < this.maxFree) this.free.push(buf);
  }
}
