import type { Admission } from './first-copies.js';
import type { BlockRef, PeerConnection } from './peer-connection.js';
import type { PieceCache } from './piece-cache.js';
import type { TokenBucket } from './rate-limiter.js';
import type { TorrentPeer } from './torrent-peer.js';

const MAX_BLOCK_REQUEST = 128 * 1024;
const MAX_UPLOAD_QUEUE = 2000;
/** A copy waits for queued first copies unless the upload limit holds this much spare. */
const SPARE_SECONDS_FOR_COPIES = 0.5;
const COPY_WAIT_MS = 10;

/** A request queued for sending. */
export interface QueuedBlock extends BlockRef {
  firstCopy: boolean;
}

export interface BlockServerContext {
  pieceCache(): PieceCache | undefined;
  /** Size of piece `index`, or undefined when there is no such piece (or no metadata yet). */
  pieceSize(index: number): number | undefined;
  have(index: number): boolean;
  /** Whether and how to serve `peer` this piece (see FirstCopies); refused only to fast-extension peers. */
  admit(peer: TorrentPeer, block: BlockRef): Admission;
  limiter: TokenBucket;
  onSent(bytes: number): void;
  onError(err: Error): void;
}

/**
 * Serves peers' requests from disk: validates each one, queues it per peer, and sends blocks as
 * the socket drains and the upload limit allows. One peer's slow socket never holds up another's.
 *
 * While the upload limit is what holds us back, blocks of first copies (pieces nobody else has,
 * see FirstCopies) go out before copies: a copy waits while first copies are queued, unless the
 * limiter has spare (their peers' sockets are the bottleneck, not our cap).
 */
export class BlockServer {
  private firstCopiesQueued = 0;

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
    const admission =
      valid && allowed && peer.uploadQueue.length < MAX_UPLOAD_QUEUE
        ? this.ctx.admit(peer, r)
        : 'refused';
    if (admission === 'refused') {
      if (conn.supportsFast)
        conn.send({ type: 'reject', index: r.index, begin: r.begin, length: r.length });
      return;
    }
    const firstCopy = admission === 'first-copy';
    peer.uploadQueue.push({ index: r.index, begin: r.begin, length: r.length, firstCopy });
    if (firstCopy) this.countFirstCopies(peer, 1);
    this.ctx.pieceCache()?.prefetch(r.index);
    if (!peer.pumping) void this.pump(peer);
  }

  cancel(peer: TorrentPeer, r: BlockRef): void {
    const i = peer.uploadQueue.findIndex(
      (x) => x.index === r.index && x.begin === r.begin && x.length === r.length,
    );
    if (i >= 0) this.dequeue(peer, i);
  }

  /** We just choked the peer: its queued requests are dropped (rejected, with the fast extension) unless allowed fast. */
  choked(peer: TorrentPeer): void {
    const conn = peer.conn;
    const kept: QueuedBlock[] = [];
    for (const r of peer.uploadQueue) {
      if (peer.allowedFastGiven.has(r.index)) kept.push(r);
      else {
        if (r.firstCopy) this.countFirstCopies(peer, -1);
        if (conn.supportsFast)
          conn.send({ type: 'reject', index: r.index, begin: r.begin, length: r.length });
      }
    }
    peer.uploadQueue = kept;
  }

  /** The peer is gone: what it had queued is dropped. */
  closed(peer: TorrentPeer): void {
    this.countFirstCopies(peer, -peer.firstCopiesQueued);
    peer.uploadQueue = [];
  }

  private countFirstCopies(peer: TorrentPeer, delta: number): void {
    peer.firstCopiesQueued += delta;
    this.firstCopiesQueued += delta;
  }

  private dequeue(peer: TorrentPeer, i: number): QueuedBlock {
    const [r] = peer.uploadQueue.splice(i, 1);
    if (r!.firstCopy) this.countFirstCopies(peer, -1);
    return r!;
  }

  /** Where in the peer's queue the next block to send is, or -1 when its copies must wait. */
  private nextToSend(peer: TorrentPeer): number {
    const q = peer.uploadQueue;
    if (
      q[0]!.firstCopy ||
      this.firstCopiesQueued === 0 ||
      this.ctx.limiter.hasSpare(SPARE_SECONDS_FOR_COPIES)
    )
      return 0;
    return peer.firstCopiesQueued > 0 ? q.findIndex((r) => r.firstCopy) : -1;
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
        if (this.nextToSend(peer) < 0) {
          await sleep(COPY_WAIT_MS);
          continue;
        }
        // Blocks of pieces already in memory go out in one corked batch: one writev, no awaits.
        conn.stream.cork();
        try {
          while (
            peer.uploadQueue.length > 0 &&
            !conn.closed &&
            !conn.congested &&
            this.ctx.limiter.delay() === 0
          ) {
            const i = this.nextToSend(peer);
            if (i < 0) break;
            const next = peer.uploadQueue[i]!;
            const block = cache.peek(next.index, next.begin, next.length);
            if (!block) break;
            this.dequeue(peer, i);
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
        const i = this.nextToSend(peer);
        if (i < 0) continue;
        const r = this.dequeue(peer, i);
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
