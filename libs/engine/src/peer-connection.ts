import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import {
  WireDecoder,
  encodeHandshake,
  encodeMessage,
  encodePieceHeader,
  decodeExtendedHandshake,
  encodeExtendedHandshake,
  type ExtendedHandshake,
  type Handshake,
  type Message,
} from '@swarmhub/wire';
import type { FrameReader } from './frame-reader.js';
import { RateMeter } from './rate-meter.js';
import type { TokenBucket } from './rate-limiter.js';

export interface BlockRef {
  index: number;
  begin: number;
  length: number;
}

export interface PeerConnectionOptions {
  stream: Duplex;
  address: string;
  port: number;
  outgoing: boolean;
  peerId: Buffer;
  /** Known for outgoing connections; incoming ones learn it from the remote handshake. */
  infoHash?: Buffer;
  keepAliveMs?: number;
  idleTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  downloadLimiter?: TokenBucket;
  /** The stream's reads arrive through this reused buffer (see FrameReader) instead of 'data' events. */
  reader?: FrameReader;
}

const BLOCK_SIZE = 16384;
// Blocks up to 128 KiB are accepted; bitfields and extended messages have their own limits in the decoder.
const MAX_MESSAGE_LENGTH = 128 * 1024 + 13;

export function blockKey(b: BlockRef): string {
  return `${b.index}:${b.begin}`;
}

/**
 * One peer over any Duplex (a TCP socket or an in-memory pair): drives the wire codec, keeps the
 * four choke/interest flags, keep-alives and the idle timeout, and the book of our outstanding
 * requests so that timeouts, rejects and chokes hand blocks back to the picker.
 *
 * Events: 'handshake' (Handshake), 'message' (Message, after the handshake, minus what this
 * class handles itself), 'extended-handshake' (ExtendedHandshake), 'block' (index, begin, data:
 * valid only during the event, it may be a view of a reused read buffer: copy what you keep),
 * 'requests-dropped' (BlockRef[]: the peer will not send them; then true
 * when it rejected them while unchoking us, not as part of a choke), 'close' (reason).
 */
export class PeerConnection extends EventEmitter {
  readonly address: string;
  readonly port: number;
  readonly outgoing: boolean;
  readonly stream: Duplex;
  infoHash?: Buffer;
  remotePeerId?: Buffer;
  remoteInfoHash?: Buffer;
  supportsFast = false;
  supportsExtensions = false;
  remoteExtended?: ExtendedHandshake;

  amChoking = true;
  amInterested = false;
  peerChoking = true;
  peerInterested = false;
  /** Pieces the peer lets us request while it chokes us (BEP 6). */
  readonly allowedFast = new Set<number>();

  readonly downloadMeter = new RateMeter(5000, 20);
  readonly uploadMeter = new RateMeter(5000, 20);
  /** Our requests not yet answered, by "index:begin", with the time they were sent. */
  readonly outstanding = new Map<string, { block: BlockRef; at: number }>();
  lastBlockAt = Date.now();
  closed = false;
  closeReason?: string;

  private readonly decoder = new WireDecoder({ maxMessageLength: MAX_MESSAGE_LENGTH });
  private handshakeReceived = false;
  private handshakeSent = false;
  private lastReceivedAt = Date.now();
  private lastSentAt = Date.now();
  private readonly timer: NodeJS.Timeout;
  /** Charged for every byte read; set when an incoming connection finds its torrent. */
  downloadLimiter?: TokenBucket;
  private throttled = false;
  private readonly reader?: FrameReader;

  constructor(private readonly options: PeerConnectionOptions) {
    super();
    this.stream = options.stream;
    this.address = options.address;
    this.port = options.port;
    this.outgoing = options.outgoing;
    this.infoHash = options.infoHash;
    this.downloadLimiter = options.downloadLimiter;
    const keepAliveMs = options.keepAliveMs ?? 110_000;
    const idleTimeoutMs = options.idleTimeoutMs ?? 180_000;
    const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 20_000;
    const startedAt = Date.now();
    this.timer = setInterval(
      () => {
        const now = Date.now();
        if (!this.handshakeReceived && now - startedAt > handshakeTimeoutMs)
          return this.close('handshake timeout');
        if (now - this.lastReceivedAt > idleTimeoutMs) return this.close('idle timeout');
        if (this.handshakeSent && now - this.lastSentAt > keepAliveMs)
          this.send({ type: 'keep-alive' });
      },
      Math.min(keepAliveMs, 5000),
    );
    this.timer.unref();
    this.reader = options.reader;
    if (this.reader) this.reader.onChunk = (chunk, isView) => this.onData(chunk, isView);
    else this.stream.on('data', (chunk: Buffer) => this.onData(chunk, false));
    this.stream.on('error', (err: Error) => this.close(err.message));
    this.stream.on('close', () => this.close('stream closed'));
    this.stream.on('end', () => this.close('remote ended'));
  }

  get handshakeDone(): boolean {
    return this.handshakeReceived && this.handshakeSent;
  }

  get key(): string {
    return `${this.address}:${this.port}`;
  }

  /** True when the socket's send buffer is full enough that more data should wait for 'drain'. */
  get congested(): boolean {
    return this.stream.writableLength > 1 << 20;
  }

  sendHandshake(infoHash: Buffer): void {
    if (this.handshakeSent) return;
    this.infoHash = infoHash;
    this.handshakeSent = true;
    this.write(
      encodeHandshake({ infoHash, peerId: this.options.peerId, extensions: true, fast: true }),
    );
  }

  /**
   * `onBlockSent`, for a piece message only: called once when the socket no longer needs the
   * block's memory (written to the kernel, or dropped with the connection).
   */
  send(message: Message, onBlockSent?: () => void): boolean {
    if (this.closed) {
      onBlockSent?.();
      return false;
    }
    switch (message.type) {
      case 'choke':
        this.amChoking = true;
        break;
      case 'unchoke':
        this.amChoking = false;
        break;
      case 'interested':
        this.amInterested = true;
        break;
      case 'not-interested':
        this.amInterested = false;
        break;
      case 'piece': {
        // Header and block go out as one writev: no copy of the block into a fresh frame.
        this.uploadMeter.add(message.block.length);
        this.lastSentAt = Date.now();
        this.stream.cork();
        this.stream.write(encodePieceHeader(message.index, message.begin, message.block.length));
        const ok = this.stream.write(message.block, onBlockSent && (() => onBlockSent()));
        this.stream.uncork();
        return ok;
      }
      default:
        break;
    }
    return this.write(encodeMessage(message));
  }

  /** Once the metadata is known the decoder checks bitfield sizes and piece indices. */
  setPieceCount(pieceCount: number): void {
    this.decoder.setPieceCount(pieceCount);
  }

  sendExtendedHandshake(h: ExtendedHandshake): void {
    if (this.supportsExtensions)
      this.send({ type: 'extended', id: 0, payload: encodeExtendedHandshake(h) });
  }

  /** Sends a batch of requests in one write: one syscall instead of one per 17-byte message. */
  request(blocks: BlockRef[]): void {
    if (this.closed || blocks.length === 0) return;
    const now = Date.now();
    const frames = Buffer.allocUnsafe(17 * blocks.length);
    let offset = 0;
    for (const block of blocks) {
      this.outstanding.set(blockKey(block), { block, at: now });
      encodeMessage({
        type: 'request',
        index: block.index,
        begin: block.begin,
        length: block.length,
      }).copy(frames, offset);
      offset += 17;
    }
    this.write(frames);
  }

  cancel(block: BlockRef): void {
    if (this.outstanding.delete(blockKey(block))) {
      this.send({ type: 'cancel', index: block.index, begin: block.begin, length: block.length });
    }
  }

  /**
   * How many requests to keep in flight: enough for about two seconds of this peer's rate, so a
   * fast peer is never stop-and-wait and a slow one does not hoard blocks others could send.
   * `rateLimit` (bytes/s, 0 = none) caps the rate used: a burst read before the limiter paused the
   * socket must not make us request far more than the limit lets arrive in those two seconds.
   */
  pipelineDepth(rateLimit = 0): number {
    const measured = this.downloadMeter.rate();
    const rate = rateLimit > 0 ? Math.min(measured, rateLimit) : measured;
    const byRate = Math.ceil((rate * 2) / BLOCK_SIZE);
    const peerMax = this.remoteExtended?.reqq ?? 250;
    return Math.max(16, Math.min(byRate, peerMax, 256));
  }

  /** Drops and returns requests that waited longer than `timeoutMs` with no block from this peer meanwhile. */
  takeTimedOut(timeoutMs: number, now = Date.now()): BlockRef[] {
    if (this.outstanding.size === 0 || now - this.lastBlockAt < timeoutMs) return [];
    const dropped: BlockRef[] = [];
    for (const [key, entry] of this.outstanding) {
      if (now - entry.at >= timeoutMs) {
        this.outstanding.delete(key);
        dropped.push(entry.block);
        this.send({
          type: 'cancel',
          index: entry.block.index,
          begin: entry.block.begin,
          length: entry.block.length,
        });
      }
    }
    return dropped;
  }

  close(reason = 'closed'): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    clearInterval(this.timer);
    this.stream.destroy();
    this.emit('close', reason);
  }

  private write(buf: Buffer): boolean {
    if (this.closed) return false;
    this.lastSentAt = Date.now();
    return this.stream.write(buf);
  }

  /** `isView`: the chunk is a view of a read buffer that is reused once this call returns. */
  private onData(chunk: Buffer, isView: boolean): void {
    if (this.closed) return;
    this.lastReceivedAt = Date.now();
    let events;
    try {
      events = this.decoder.push(chunk);
    } catch (err) {
      // A peer that breaks the protocol is disconnected, never the process.
      this.close(`protocol error: ${(err as Error).message}`);
      return;
    }
    if (isView && this.decoder.bufferedBytes() !== 0) {
      // The reader hands out views of whole messages only; a leftover would soon be overwritten.
      this.close('internal error: partial message in a reused read buffer');
      return;
    }
    for (let event of events) {
      if (this.closed) return;
      // Only blocks are used during the event; other payloads may be kept, so they get memory of their own.
      if (isView && event.type === 'bitfield')
        event = { type: 'bitfield', bitfield: Buffer.from(event.bitfield) };
      else if (isView && event.type === 'extended')
        event = { type: 'extended', id: event.id, payload: Buffer.from(event.payload) };
      try {
        if (event.type === 'handshake') this.onHandshake(event.handshake);
        else this.onMessage(event);
      } catch (err) {
        this.close(`protocol error: ${(err as Error).message}`);
        return;
      }
    }
    if (this.reader)
      this.reader.framed = this.handshakeReceived && this.decoder.bufferedBytes() === 0;
    if (this.downloadLimiter?.limited && !this.throttled) {
      const wait = this.downloadLimiter.take(chunk.length);
      if (wait > 0) {
        this.throttled = true;
        this.stream.pause();
        setTimeout(() => {
          this.throttled = false;
          if (!this.closed) this.stream.resume();
        }, wait).unref();
      }
    }
  }

  private onHandshake(h: Handshake): void {
    this.handshakeReceived = true;
    this.remotePeerId = h.peerId;
    this.remoteInfoHash = h.infoHash;
    this.supportsExtensions = (h.reserved[5]! & 0x10) !== 0;
    this.supportsFast = (h.reserved[7]! & 0x04) !== 0;
    if (this.infoHash && !this.infoHash.equals(h.infoHash)) {
      this.close('handshake for another torrent');
      return;
    }
    if (h.peerId.equals(this.options.peerId)) {
      this.close('connected to ourselves');
      return;
    }
    this.emit('handshake', h);
  }

  private onMessage(m: Message): void {
    if (!this.handshakeReceived) throw new Error('message before handshake');
    switch (m.type) {
      case 'keep-alive':
        return;
      case 'choke': {
        this.peerChoking = true;
        // Without the fast extension a choke silently discards every pending request.
        if (!this.supportsFast) this.dropAll();
        break;
      }
      case 'unchoke':
        this.peerChoking = false;
        break;
      case 'interested':
        this.peerInterested = true;
        break;
      case 'not-interested':
        this.peerInterested = false;
        break;
      case 'piece': {
        const key = blockKey({ index: m.index, begin: m.begin, length: m.block.length });
        const entry = this.outstanding.get(key);
        this.downloadMeter.add(m.block.length);
        if (!entry || entry.block.length !== m.block.length) return; // unrequested or cancelled: drop
        this.outstanding.delete(key);
        this.lastBlockAt = Date.now();
        this.emit('block', m.index, m.begin, m.block);
        return;
      }
      case 'reject': {
        if (!this.supportsFast) throw new Error('reject without the fast extension');
        const key = blockKey(m);
        const entry = this.outstanding.get(key);
        if (entry) {
          this.outstanding.delete(key);
          this.emit('requests-dropped', [entry.block], !this.peerChoking);
        }
        return;
      }
      case 'allowed-fast':
        this.allowedFast.add(m.index);
        break;
      case 'have-all':
      case 'have-none':
      case 'suggest':
        if (!this.supportsFast) throw new Error(`${m.type} without the fast extension`);
        break;
      case 'extended':
        if (m.id === 0) {
          this.remoteExtended = decodeExtendedHandshake(m.payload);
          this.emit('extended-handshake', this.remoteExtended);
          return;
        }
        break;
      default:
        break;
    }
    this.emit('message', m);
  }

  private dropAll(): void {
    if (this.outstanding.size === 0) return;
    const blocks = [...this.outstanding.values()].map((e) => e.block);
    this.outstanding.clear();
    this.emit('requests-dropped', blocks);
  }
}
