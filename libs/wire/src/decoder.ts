import { Bitfield } from './bitfield.js';
import { WireError } from './errors.js';
import {
  HANDSHAKE_LENGTH,
  checkHandshakePrefix,
  decodeHandshake,
  type Handshake,
} from './handshake.js';
import { MessageId, type Message } from './messages.js';

export type WireEvent = { type: 'handshake'; handshake: Handshake } | Message;

export interface WireDecoderOptions {
  /**
   * Largest frame, 4-byte length prefix included, for `piece` and unknown messages.
   * The default fits one 16 KiB block (16384 + 13); raise it to accept larger blocks (up to 128 KiB).
   */
  maxMessageLength?: number;
  /** Largest `bitfield` payload while the piece count is unknown (magnet links): default 256 KiB, 2M pieces. */
  maxBitfieldLength?: number;
  /** Largest extended (BEP 10) payload after the extended id: default 1 MiB. */
  maxExtendedLength?: number;
  /** When known, `bitfield` must have exactly the right size and no spare bits, and piece indices must be below it. */
  pieceCount?: number;
  /** Whether the stream starts with a handshake (default true). */
  handshake?: boolean;
}

const DEFAULT_MAX_MESSAGE_LENGTH = 16 * 1024 + 13;
const DEFAULT_MAX_BITFIELD_LENGTH = 256 * 1024;
const DEFAULT_MAX_EXTENDED_LENGTH = 1024 * 1024;

/** Exact lengths (id byte included) of the fixed-size messages, by id. */
const FIXED_LENGTH: ReadonlyMap<number, number> = new Map([
  [MessageId.choke, 1],
  [MessageId.unchoke, 1],
  [MessageId.interested, 1],
  [MessageId.notInterested, 1],
  [MessageId.have, 5],
  [MessageId.request, 13],
  [MessageId.cancel, 13],
  [MessageId.port, 3],
  [MessageId.suggest, 5],
  [MessageId.haveAll, 1],
  [MessageId.haveNone, 1],
  [MessageId.reject, 13],
  [MessageId.allowedFast, 5],
]);

/**
 * Streaming decoder for one connection: raw socket bytes in, whole messages out. It yields the
 * same events however the input is split, holds at most one bounded message in memory, and
 * throws WireError on the first violation (and on every push after it). Messages decoded from
 * the same chunk before the violation are not returned: the peer is to be dropped anyway.
 *
 * A message lying inside one chunk is returned as a view of that chunk (no copy), so a `piece`
 * block keeps its socket chunk alive until the engine has written the block and let it go.
 */
export class WireDecoder {
  private readonly maxFrame: number;
  private readonly maxBitfieldLength: number;
  private readonly maxExtendedLength: number;
  private pieceCount: number | undefined;
  private awaitingHandshake: boolean;
  private failure: WireError | undefined;

  private chunks: Buffer[] = [];
  private head = 0;
  private headOffset = 0;
  private available = 0;

  constructor(options: WireDecoderOptions = {}) {
    this.maxFrame = options.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH;
    this.maxBitfieldLength = options.maxBitfieldLength ?? DEFAULT_MAX_BITFIELD_LENGTH;
    this.maxExtendedLength = options.maxExtendedLength ?? DEFAULT_MAX_EXTENDED_LENGTH;
    this.awaitingHandshake = options.handshake ?? true;
    if (options.pieceCount !== undefined) this.setPieceCount(options.pieceCount);
  }

  /** For magnet downloads: the piece count becomes known once the metadata has arrived. */
  setPieceCount(pieceCount: number): void {
    if (!Number.isSafeInteger(pieceCount) || pieceCount < 0) {
      throw new WireError(
        'INVALID_ARGUMENT',
        `piece count must be a non-negative integer, got ${pieceCount}`,
      );
    }
    this.pieceCount = pieceCount;
  }

  /** Bytes received but not yet part of a complete message. */
  bufferedBytes(): number {
    return this.available;
  }

  push(chunk: Buffer): WireEvent[] {
    if (this.failure) throw this.failure;
    const events: WireEvent[] = [];
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.available += chunk.length;
    }
    try {
      this.drain(events);
    } catch (error) {
      this.failure =
        error instanceof WireError ? error : new WireError('DECODER_FAILED', String(error));
      this.chunks = [];
      this.head = 0;
      this.headOffset = 0;
      this.available = 0;
      throw this.failure;
    }
    return events;
  }

  private drain(events: WireEvent[]): void {
    if (this.awaitingHandshake) {
      checkHandshakePrefix(this.peek(Math.min(this.available, 20)));
      if (this.available < HANDSHAKE_LENGTH) return;
      events.push({ type: 'handshake', handshake: decodeHandshake(this.take(HANDSHAKE_LENGTH)) });
      this.awaitingHandshake = false;
    }
    while (this.available >= 4) {
      const header = this.peek(Math.min(this.available, 5));
      const length = header.readUInt32BE(0);
      if (length === 0) {
        this.skip(4);
        events.push({ type: 'keep-alive' });
        continue;
      }
      if (header.length < 5) {
        if (length > this.largestAllowed()) throw tooLong(length, this.largestAllowed());
        return;
      }
      this.checkLength(header[4], length);
      if (this.available < 4 + length) return;
      this.skip(4);
      const body = this.take(length);
      const message = this.parse(body);
      if (message) events.push(message);
    }
  }

  private largestAllowed(): number {
    const bitfield =
      this.pieceCount === undefined ? this.maxBitfieldLength : Bitfield.byteLength(this.pieceCount);
    return Math.max(this.maxFrame - 4, 1 + bitfield, 2 + this.maxExtendedLength);
  }

  /** Rejects a bad length as soon as the id is known, before buffering the body. */
  private checkLength(id: number, length: number): void {
    const fixed = FIXED_LENGTH.get(id);
    if (fixed !== undefined) {
      if (length !== fixed) {
        throw new WireError(
          'BAD_MESSAGE_LENGTH',
          `message id ${id} must have length ${fixed}, got ${length}`,
        );
      }
      return;
    }
    switch (id) {
      case MessageId.bitfield: {
        if (this.pieceCount !== undefined) {
          const expected = 1 + Bitfield.byteLength(this.pieceCount);
          if (length !== expected) {
            throw new WireError(
              'BAD_BITFIELD',
              `bitfield for ${this.pieceCount} pieces must have length ${expected}, got ${length}`,
            );
          }
        } else if (length - 1 > this.maxBitfieldLength) {
          throw tooLong(length, 1 + this.maxBitfieldLength);
        }
        return;
      }
      case MessageId.piece:
        if (length < 9) {
          throw new WireError(
            'BAD_MESSAGE_LENGTH',
            `piece message must have length >= 9, got ${length}`,
          );
        }
        if (length > this.maxFrame - 4) throw tooLong(length, this.maxFrame - 4);
        return;
      case MessageId.extended:
        if (length < 2) {
          throw new WireError(
            'BAD_MESSAGE_LENGTH',
            `extended message must have length >= 2, got ${length}`,
          );
        }
        if (length - 2 > this.maxExtendedLength) throw tooLong(length, 2 + this.maxExtendedLength);
        return;
      default:
        // Unknown ids are skipped for forward compatibility, but never buffered beyond the limit.
        if (length > this.maxFrame - 4) throw tooLong(length, this.maxFrame - 4);
    }
  }

  private parse(body: Buffer): Message | undefined {
    const id = body[0];
    switch (id) {
      case MessageId.choke:
        return { type: 'choke' };
      case MessageId.unchoke:
        return { type: 'unchoke' };
      case MessageId.interested:
        return { type: 'interested' };
      case MessageId.notInterested:
        return { type: 'not-interested' };
      case MessageId.haveAll:
        return { type: 'have-all' };
      case MessageId.haveNone:
        return { type: 'have-none' };
      case MessageId.have:
        return { type: 'have', index: this.index(body.readUInt32BE(1)) };
      case MessageId.suggest:
        return { type: 'suggest', index: this.index(body.readUInt32BE(1)) };
      case MessageId.allowedFast:
        return { type: 'allowed-fast', index: this.index(body.readUInt32BE(1)) };
      case MessageId.request:
      case MessageId.cancel:
      case MessageId.reject: {
        const type =
          id === MessageId.request ? 'request' : id === MessageId.cancel ? 'cancel' : 'reject';
        return {
          type,
          index: this.index(body.readUInt32BE(1)),
          begin: body.readUInt32BE(5),
          length: body.readUInt32BE(9),
        };
      }
      case MessageId.piece:
        return {
          type: 'piece',
          index: this.index(body.readUInt32BE(1)),
          begin: body.readUInt32BE(5),
          block: body.subarray(9),
        };
      case MessageId.bitfield: {
        const bitfield = body.subarray(1);
        if (this.pieceCount !== undefined) Bitfield.fromBuffer(bitfield, this.pieceCount);
        return { type: 'bitfield', bitfield };
      }
      case MessageId.port:
        return { type: 'port', port: body.readUInt16BE(1) };
      case MessageId.extended:
        return { type: 'extended', id: body[1], payload: body.subarray(2) };
      default:
        return undefined;
    }
  }

  private index(index: number): number {
    if (this.pieceCount !== undefined && index >= this.pieceCount) {
      throw new WireError(
        'BAD_PIECE_INDEX',
        `piece index ${index} out of range (${this.pieceCount} pieces)`,
      );
    }
    return index;
  }

  /** The next `n` bytes without consuming them (a copy only when they span chunks). */
  private peek(n: number): Buffer {
    const first = this.chunks[this.head];
    if (n === 0) return Buffer.alloc(0);
    if (first.length - this.headOffset >= n)
      return first.subarray(this.headOffset, this.headOffset + n);
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let offset = this.headOffset;
    for (let i = this.head; filled < n; i++) {
      const chunk = this.chunks[i];
      const copied = chunk.copy(out, filled, offset, Math.min(chunk.length, offset + n - filled));
      filled += copied;
      offset = 0;
    }
    return out;
  }

  /**
   * Consumes `n` bytes. A message lying inside one socket chunk is returned as a view of it
   * (no copy); one spanning chunks is copied once into its own buffer.
   */
  private take(n: number): Buffer {
    const out = this.peek(n);
    this.skip(n);
    return out;
  }

  private skip(n: number): void {
    this.available -= n;
    while (n > 0) {
      const chunk = this.chunks[this.head];
      const left = chunk.length - this.headOffset;
      if (n < left) {
        this.headOffset += n;
        return;
      }
      n -= left;
      this.head++;
      this.headOffset = 0;
    }
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head > 64) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}

function tooLong(length: number, limit: number): WireError {
  return new WireError(
    'MESSAGE_TOO_LONG',
    `message length ${length} exceeds the limit of ${limit}`,
  );
}
