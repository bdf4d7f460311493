import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

// CommonJS source for an eval worker: it runs the same from src/ under tests and from dist/.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', ({ id, buffer, byteLength }) => {
  const digest = createHash('sha1').update(new Uint8Array(buffer, 0, byteLength)).digest();
  parentPort.postMessage({ id, buffer, digest }, [buffer]);
});
`;

/** Pieces smaller than this are hashed inline: the round trip to the worker would cost more. */
const MIN_OFFLOAD_BYTES = 128 * 1024;

export interface HashResult {
  digest: Buffer;
  /** The piece's bytes (the same memory, back from the worker). */
  data: Buffer;
  /** The worker died with the piece: its bytes are gone and it must be fetched again (no one is to blame). */
  lost?: boolean;
}

interface Pending {
  resolve: (r: HashResult) => void;
  byteLength: number;
}

/**
 * SHA-1 of whole pieces on a worker thread, so that hashing (the largest CPU cost of a fast
 * download) runs beside the socket and disk work of the main thread. The piece's memory is
 * transferred to the worker and back, never copied. Falls back to hashing inline when a buffer
 * cannot be transferred or the worker is gone.
 */
export class PieceHasher {
  private worker?: Worker;
  private broken = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  async hash(data: Buffer): Promise<HashResult> {
    const transferable =
      data.length >= MIN_OFFLOAD_BYTES &&
      data.byteOffset === 0 &&
      data.buffer.byteLength === data.length;
    if (!transferable || this.broken)
      return { digest: createHash('sha1').update(data).digest(), data };
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, byteLength: data.length });
      worker.postMessage({ id, buffer: data.buffer, byteLength: data.length }, [
        data.buffer as ArrayBuffer,
      ]);
    });
  }

  /**
   * Starts the worker ahead of the first piece: starting a thread takes tens of milliseconds, and
   * without this the first pieces of every download waited for it.
   */
  warm(): void {
    if (!this.broken) this.ensureWorker();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (m: { id: number; buffer: ArrayBuffer; digest: Uint8Array }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      p.resolve({ digest: Buffer.from(m.digest), data: Buffer.from(m.buffer, 0, p.byteLength) });
    });
    worker.on('error', () => this.onWorkerLost());
    worker.on('exit', () => this.onWorkerLost());
    this.worker = worker;
    return worker;
  }

  private onWorkerLost(): void {
    this.worker = undefined;
    this.broken = true;
    // The transferred buffers went with the worker: those pieces count as failed and are fetched again.
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve({ digest: Buffer.alloc(20), data: Buffer.alloc(p.byteLength), lost: true });
    }
  }
}
