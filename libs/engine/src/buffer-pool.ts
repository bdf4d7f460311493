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

  /**
   * Only a buffer that is all of its memory is kept: a view into a larger allocation (a storage
   * that returned its own memory, say) would be handed out and written over while others use it.
   */
  give(buf: Buffer): void {
    const whole = buf.byteOffset === 0 && buf.buffer.byteLength === buf.length;
    if (whole && buf.length === this.size && this.free.length < this.maxFree) this.free.push(buf);
  }
}
