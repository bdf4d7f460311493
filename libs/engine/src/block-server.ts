import type { BlockRef } from './peer-connection.js';
import type { PeerConnection } from './peer-connection.js';
import type { PieceCache } from './piece-cache.js';
import type { TokenBucket } from './rate-limiter.js';
import type { TorrentPeer } from './torrent-peer.js';

const MAX_BLOCK_REQUEST = 128 * 1024;
const MAX_UPLOAD_QUEUE = 2000;

export interface BlockServerContext {
  pieceCache(): PieceCache | undefined;
  /** Size of piece `index`, or undefined when there is no such piece (or no metadata yet). */
  pieceSize(index: number): number | undefined;
  have(index: number): boolean;
  limiter: TokenBucket;
  onSent(bytes: number): void;
  onError(err: Error): void;
}

/**
 * Serves peers' requests from disk: validates each one, queues it per peer, and sends blocks as
 * the socket drains and the upload limit allows. One peer's slow socket never holds up another's.
 */
export class BlockServer {
  constructor(private readonly ctx: BlockServerContext) {}

  request(peer: TorrentPeer, r: BlockRef): void {
    const conn = peer.conn;
    const size = this.ctx.pieceSize(r.index);
    const valid =
      size !== undefined &&
      r.length > 0 &&
      r.length <= MAX_BLOCK_REQUEST &&
      r.begin >= 0 &&
      r.begin + r.length <= size &&
      this.ctx.have(r.index);
    const allowed = !conn.amChoking || peer.allowedFastGiven.has(r.index);
    if (!valid || !allowed || peer.uploadQueue.length >= MAX_UPLOAD_QUEUE) {
      if (conn.supportsFast)
        conn.send({ type: 'reject', index: r.index, begin: r.begin, length: r.length });
      return;
    }
    peer.uploadQueue.push({ index: r.index, begin: r.begin, length: r.length });
    this.ctx.pieceCache()?.prefetch(r.index);
    if (!peer.pumping) void this.pump(peer);
  }

  cancel(peer: TorrentPeer, r: BlockRef): void {
    const q = peer.uploadQueue;
    const i = q.findIndex(
      (x) => x.index === r.index && x.begin === r.begin && x.length === r.length,
    );
    if (i >= 0) q.splice(i, 1);
  }

  /** We just choked the peer: its queued requests are dropped (rejected, with the fast extension) unless allowed fast. */
  choked(peer: TorrentPeer): void {
    const conn = peer.conn;
    const kept: BlockRef[] = [];
    for (const r of peer.uploadQueue) {
      if (peer.allowedFastGiven.has(r.index)) kept.push(r);
      else if (conn.supportsFast)
        conn.send({ type: 'reject', index: r.index, begin: r.begin, length: r.length });
    }
    peer.uploadQueue = kept;
  }

  /** `block` is held in the piece cache: released here once the socket is done with it. */
  private send(peer: TorrentPeer, r: BlockRef, block: Buffer, cache: PieceCache): void {
    const conn = peer.conn;
    if (conn.amChoking && !peer.allowedFastGiven.has(r.index)) {
      cache.release(block);
      return;
    }
    conn.send({ type: 'piece', index: r.index, begin: r.begin, block }, () => cache.release(block));
    this.ctx.limiter.take(r.length);
    this.ctx.onSent(r.length);
  }

  private async pump(peer: TorrentPeer): Promise<void> {
    peer.pumping = true;
    const conn = peer.conn;
    try {
      while (peer.uploadQueue.length > 0 && !conn.closed) {
        if (conn.congested) {
          await waitForDrain(conn);
          continue;
        }
        const wait = this.ctx.limiter.delay();
        if (wait > 0) {
          await sleep(wait);
          continue;
        }
        const cache = this.ctx.pieceCache();
        if (!cache) break;
        // Blocks of pieces already in memory go out in one corked batch: one writev, no awaits.
        conn.stream.cork();
        try {
          while (
            peer.uploadQueue.length > 0 &&
            !conn.closed &&
            !conn.congested &&
            this.ctx.limiter.delay() === 0
          ) {
            const next = peer.uploadQueue[0]!;
            const block = cache.peek(next.index, next.begin, next.length);
            if (!block) break;
            peer.uploadQueue.shift();
            this.send(peer, next, block, cache);
          }
        } finally {
          conn.stream.uncork();
        }
        if (
          peer.uploadQueue.length === 0 ||
          conn.closed ||
          conn.congested ||
          this.ctx.limiter.delay() > 0
        )
          continue;
        const r = peer.uploadQueue.shift()!;
        const data = await cache.read(r.index, r.begin, r.length);
        this.send(peer, r, data, cache);
      }
    } catch (err) {
      this.ctx.onError(err as Error);
    } finally {
      peer.pumping = false;
    }
  }
}

function waitForDrain(conn: PeerConnection): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      conn.stream.off('drain', done);
      conn.off('close', done);
      resolve();
    };
    conn.stream.on('drain', done);
    conn.on('close', done);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
