import { BencodeError } from './errors.js';
import type { BDict, BValue, DecodeOptions } from './types.js';

export const DEFAULT_MAX_DEPTH = 100;
export const DEFAULT_MAX_SIZE = 64 * 1024 * 1024;

const CH_0 = 0x30;
const CH_9 = 0x39;
const CH_COLON = 0x3a;
const CH_MINUS = 0x2d;
const CH_D = 0x64;
const CH_E = 0x65;
const CH_I = 0x69;
const CH_L = 0x6c;

// Integers are kept to the signed 64-bit range that every BitTorrent implementation uses;
// anything wider is hostile or broken, and refusing it bounds BigInt parsing work.
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MAX_INTEGER_DIGITS = 20;

export interface Span {
  start: number;
  end: number;
}

interface Limits {
  maxDepth: number;
  maxStringLength: number;
  strict: boolean;
}

/**
 * A single-pass validating decoder. The `bencode` npm package is not used for decoding because it
 * cannot meet this library's contract: it turns non-UTF-8 keys into hex (two different keys can
 * collide), assigns `__proto__` keys onto plain objects, loses precision above 2^53, accepts
 * `i-0e`, `i03e` and truncated input silently, and keeps its parse state in module globals.
 */
class Decoder {
  private pos = 0;
  /** Byte span of the top-level dictionary's `info` value, when asked for. */
  infoSpan: Span | undefined;

  constructor(
    private readonly buf: Buffer,
    private readonly limits: Limits,
    private readonly wantInfoSpan: boolean,
  ) {}

  decodeWhole(): BValue {
    if (this.buf.length === 0) throw new BencodeError('EMPTY', 'empty input', 0);
    const value = this.value(0);
    if (this.pos !== this.buf.length) {
      throw new BencodeError(
        'TRAILING_DATA',
        `${this.buf.length - this.pos} unexpected bytes after the value`,
        this.pos,
      );
    }
    return value;
  }

  private value(depth: number): BValue {
    const c = this.peek();
    if (c === CH_I) return this.integer();
    if (c === CH_L) return this.list(depth + 1);
    if (c === CH_D) return this.dict(depth + 1);
    if (c >= CH_0 && c <= CH_9) return this.bytes();
    throw new BencodeError(
      'UNEXPECTED_BYTE',
      `unexpected byte 0x${c.toString(16).padStart(2, '0')}`,
      this.pos,
    );
  }

  private peek(): number {
    if (this.pos >= this.buf.length)
      throw new BencodeError('TRUNCATED', 'input ends in the middle of a value', this.pos);
    return this.buf[this.pos]!;
  }

  private checkDepth(depth: number): void {
    if (depth > this.limits.maxDepth) {
      throw new BencodeError(
        'TOO_DEEP',
        `nesting deeper than ${this.limits.maxDepth} levels`,
        this.pos,
      );
    }
  }

  private integer(): number | bigint {
    const start = this.pos;
    this.pos++; // 'i'
    let negative = false;
    if (this.peek() === CH_MINUS) {
      negative = true;
      this.pos++;
    }
    const digitsStart = this.pos;
    while (true) {
      const c = this.peek();
      if (c === CH_E) break;
      if (c < CH_0 || c > CH_9) {
        throw new BencodeError(
          'BAD_INTEGER',
          `unexpected byte 0x${c.toString(16).padStart(2, '0')} in integer`,
          this.pos,
        );
      }
      this.pos++;
      if (this.pos - digitsStart > MAX_INTEGER_DIGITS) {
        throw new BencodeError('BAD_INTEGER', 'integer has too many digits', start);
      }
    }
    const digits = this.pos - digitsStart;
    if (digits === 0) throw new BencodeError('BAD_INTEGER', 'integer has no digits', start);
    if (digits > 1 && this.buf[digitsStart] === CH_0) {
      throw new BencodeError('BAD_INTEGER', 'integer has a leading zero', start);
    }
    if (negative && digits === 1 && this.buf[digitsStart] === CH_0) {
      throw new BencodeError('BAD_INTEGER', 'negative zero', start);
    }
    const text = this.buf.toString('latin1', start + 1, this.pos);
    this.pos++; // 'e'
    if (digits <= 15) return Number(text);
    const big = BigInt(text);
    if (big < INT64_MIN || big > INT64_MAX) {
      throw new BencodeError('BAD_INTEGER', 'integer outside the signed 64-bit range', start);
    }
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(big)
      : big;
  }

  /** Returns the start and end of a byte string's content and moves past it. */
  private stringSpan(): Span {
    const start = this.pos;
    let length = 0;
    while (true) {
      const c = this.peek();
      if (c === CH_COLON) break;
      if (c < CH_0 || c > CH_9) {
        throw new BencodeError(
          'BAD_STRING',
          `unexpected byte 0x${c.toString(16).padStart(2, '0')} in string length`,
          this.pos,
        );
      }
      length = length * 10 + (c - CH_0);
      this.pos++;
      if (this.pos - start > 15)
        throw new BencodeError('BAD_STRING', 'string length has too many digits', start);
    }
    if (this.pos - start > 1 && this.buf[start] === CH_0) {
      throw new BencodeError('BAD_STRING', 'string length has a leading zero', start);
    }
    if (length > this.limits.maxStringLength) {
      throw new BencodeError(
        'STRING_TOO_LONG',
        `string of ${length} bytes exceeds the limit of ${this.limits.maxStringLength}`,
        start,
      );
    }
    this.pos++; // ':'
    const end = this.pos + length;
    if (end > this.buf.length) {
      throw new BencodeError(
        'TRUNCATED',
        `string of ${length} bytes runs past the end of the input`,
        start,
      );
    }
    this.pos = end;
    return { start: end - length, end };
  }

  private bytes(): Buffer {
    const { start, end } = this.stringSpan();
    return this.buf.subarray(start, end);
  }

  private list(depth: number): BValue[] {
    this.checkDepth(depth);
    this.pos++; // 'l'
    const items: BValue[] = [];
    while (this.peek() !== CH_E) items.push(this.value(depth));
    this.pos++;
    return items;
  }

  private dict(depth: number): BDict {
    this.checkDepth(depth);
    const recordInfo = this.wantInfoSpan && depth === 1;
    this.pos++; // 'd'
    const dict: BDict = {};
    let previous: Span | undefined;
    while (this.peek() !== CH_E) {
      const keyStart = this.pos;
      const c = this.buf[keyStart]!;
      if (c < CH_0 || c > CH_9) {
        throw new BencodeError('BAD_KEY', 'dictionary key is not a byte string', keyStart);
      }
      const span = this.stringSpan();
      if (previous) {
        const order = Buffer.compare(
          this.buf.subarray(previous.start, previous.end),
          this.buf.subarray(span.start, span.end),
        );
        if (order === 0)
          throw new BencodeError(
            'DUPLICATE_KEY',
            `duplicate dictionary key "${this.printable(span)}"`,
            keyStart,
          );
        if (order > 0 && this.limits.strict) {
          throw new BencodeError(
            'UNSORTED_KEYS',
            `dictionary key "${this.printable(span)}" is out of order`,
            keyStart,
          );
        }
      }
      const key = this.buf.toString('latin1', span.start, span.end);
      if (!this.limits.strict && previous && Object.hasOwn(dict, key)) {
        // Unsorted input: the neighbour comparison above cannot see every duplicate.
        throw new BencodeError(
          'DUPLICATE_KEY',
          `duplicate dictionary key "${this.printable(span)}"`,
          keyStart,
        );
      }
      previous = span;
      const valueStart = this.pos;
      const value = this.value(depth);
      if (recordInfo && key === 'info') this.infoSpan = { start: valueStart, end: this.pos };
      if (key === '__proto__') {
        Object.defineProperty(dict, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        dict[key] = value;
      }
    }
    this.pos++;
    return dict;
  }

  private printable(span: Span): string {
    const text = this.buf.toString('latin1', span.start, Math.min(span.end, span.start + 40));
    return text.replace(/[^\x20-\x7e]/g, '?');
  }
}

function toBuffer(data: Uint8Array): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (!(data instanceof Uint8Array))
    throw new BencodeError('BAD_INPUT', 'input must be a Uint8Array');
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function limitsOf(options: DecodeOptions, size: number): Limits {
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  if (size > maxSize)
    throw new BencodeError(
      'TOO_LARGE',
      `input of ${size} bytes exceeds the limit of ${maxSize}`,
      0,
    );
  return {
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxStringLength: options.maxStringLength ?? maxSize,
    strict: options.strict ?? false,
  };
}

/**
 * Decodes exactly one bencoded value filling the whole input. Byte strings are returned as
 * Buffers that share memory with `data` (no copy): copy them if `data` will be reused.
 */
export function decode(data: Uint8Array, options: DecodeOptions = {}): BValue {
  const buf = toBuffer(data);
  return new Decoder(buf, limitsOf(options, buf.length), false).decodeWhole();
}

/**
 * Decodes a .torrent file: the top level must be a dictionary, and the exact byte span of its
 * `info` value is returned so the info hash can be taken over the bytes as they stand in the file.
 */
export function decodeTorrentFile(
  data: Uint8Array,
  options: DecodeOptions = {},
): { value: BDict; infoSpan?: Span } {
  const buf = toBuffer(data);
  const limits = limitsOf(options, buf.length);
  if (buf.length > 0 && buf[0] !== CH_D)
    throw new BencodeError('NOT_A_DICTIONARY', 'top-level value is not a dictionary', 0);
  const decoder = new Decoder(buf, limits, true);
  const value = decoder.decodeWhole() as BDict;
  return decoder.infoSpan ? { value, infoSpan: decoder.infoSpan } : { value };
}
