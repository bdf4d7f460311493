import { checkRange, StorageError, targetOf, type Storage } from './storage.js';

const CHUNK_SIZE = 1 << 20;

/**
 * Storage held in memory, for tests and for engines that join peers without a disk. Memory is
 * allocated per 1 MiB chunk on first write, so a large torrent costs only what was written;
 * bytes never written read as zeros (as a sparse file would).
 */
export class MemoryStorage implements Storage {
  private chunks = new Map<number, Buffer>();
  private closed = false;

  constructor(readonly totalLength: number) {
    if (!Number.isSafeInteger(totalLength) || totalLength < 0) {
      throw new StorageError('BAD_LAYOUT', `invalid total length ${totalLength}`);
    }
  }

  async read(offset: number, length: number, into?: Buffer): Promise<Buffer> {
    this.checkOpen();
    checkRange(this.totalLength, offset, length);
    const out = into ? targetOf(into, length).fill(0) : Buffer.alloc(length);
    this.forEachChunk(offset, length, (chunkIndex, chunkOffset, outOffset, n) => {
      this.chunks.get(chunkIndex)?.copy(out, outOffset, chunkOffset, chunkOffset + n);
    });
    return out;
  }

  async write(offset: number, data: Buffer): Promise<void> {
    this.checkOpen();
    checkRange(this.totalLength, offset, data.length);
    this.forEachChunk(offset, data.length, (chunkIndex, chunkOffset, dataOffset, n) => {
      let chunk = this.chunks.get(chunkIndex);
      if (!chunk) {
        chunk = Buffer.alloc(Math.min(CHUNK_SIZE, this.totalLength - chunkIndex * CHUNK_SIZE));
        this.chunks.set(chunkIndex, chunk);
      }
      data.copy(chunk, chunkOffset, dataOffset, dataOffset + n);
    });
  }

  async sync(): Promise<void> {
    this.checkOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async deleteData(): Promise<void> {
    this.chunks = new Map();
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('CLOSED', 'storage is closed');
  }

  private forEachChunk(
    offset: number,
    length: number,
    fn: (chunkIndex: number, chunkOffset: number, bufferOffset: number, n: number) => void,
  ): void {
    let done = 0;
    while (done < length) {
      const position = offset + done;
      const chunkIndex = Math.floor(position / CHUNK_SIZE);
      const chunkOffset = position % CHUNK_SIZE;
      const n = Math.min(length - done, CHUNK_SIZE - chunkOffset);
      fn(chunkIndex, chunkOffset, done, n);
      done += n;
    }
  }
}
