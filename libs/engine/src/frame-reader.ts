import net from 'node:net';

/** Holds several 16 KiB blocks per read, so a fast peer costs few read calls. */
const DEFAULT_CAPACITY = 256 * 1024;

/**
 * Socket reads into one buffer per connection, reused for every read (net's `onread`), instead
 * of a fresh 64 KiB buffer per read. At hundreds of MB/s those fresh buffers were the largest
 * source of garbage: the collector freed them late, so the resident size grew by hundreds of MB
 * and full collections ran several times a second.
 *
 * Reuse means nothing may keep a view of the buffer once a read has been handled. So complete
 * messages go out as views only in `framed` mode (the owner sets it when its decoder holds no
 * partial message); a trailing partial message is moved to the front of the buffer and completed
 * by the next reads. Otherwise (handshake, or a message larger than the buffer) the bytes go out
 * as copies the decoder may keep. Framing here is only the 4-byte length prefix; the decoder
 * still checks every length and limit.
 */
export class FrameReader {
  /** Set by the owner: complete frames may be handed out as views of the reused buffer. */
  framed = false;
  /** Receives the bytes: a view (framed: whole messages only, valid during the call) or a copy. */
  onChunk: (chunk: Buffer, isView: boolean) => void = () => undefined;
  private readonly buffer: Buffer;
  /** Bytes [0, end) of the buffer are received and not handed out yet. */
  private end = 0;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.buffer = Buffer.allocUnsafeSlow(capacity);
  }

  /** Where the next read lands (net calls this before every read). */
  space(): Buffer {
    return this.buffer.subarray(this.end);
  }

  /** `n` bytes were read into `space()`. */
  received(n: number): void {
    this.end += n;
    if (!this.framed) {
      this.handOutCopy(0);
      return;
    }
    let pos = 0;
    let next = 0; // size of the frame starting at pos, once its prefix is here
    while (this.end - pos >= 4) {
      next = 4 + this.buffer.readUInt32BE(pos);
      if (this.end - pos < next) break;
      pos += next;
      next = 0;
    }
    if (pos > 0) this.onChunk(this.buffer.subarray(0, pos), true);
    const rest = this.end - pos;
    if (rest === 0) {
      this.end = 0;
    } else if (next > this.buffer.length) {
      // Larger than the buffer (a big bitfield or extended message, or a bad length the decoder
      // will refuse): the decoder assembles it from copies.
      this.handOutCopy(pos);
    } else {
      this.buffer.copyWithin(0, pos, this.end);
      this.end = rest;
    }
  }

  private handOutCopy(from: number): void {
    const copy = Buffer.from(this.buffer.subarray(from, this.end));
    this.end = 0;
    this.framed = false;
    this.onChunk(copy, false);
  }
}

/** An outgoing TCP connection whose reads go through a FrameReader. */
export function connectWithFrameReader(
  host: string,
  port: number,
): { socket: net.Socket; reader: FrameReader } {
  const reader = new FrameReader();
  const socket = net.connect({
    host,
    port,
    onread: {
      buffer: () => reader.space(),
      callback: (n: number) => {
        reader.received(n);
        return true; // keep reading; throttling pauses the socket itself
      },
    },
  });
  return { socket, reader };
}
