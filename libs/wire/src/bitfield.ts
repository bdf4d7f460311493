import { WireError } from './errors.js';

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

/**
 * Which pieces a peer has, in the wire layout of BEP 3: piece 0 is the high bit of byte 0.
 * The count is kept up to date on every change because the engine asks for it constantly.
 */
export class Bitfield {
  readonly length: number;
  private readonly bytes: Buffer;
  private setCount: number;

  /** `buffer`, when given, is copied; it must be exactly ceil(length / 8) bytes. Spare bits are cleared. */
  constructor(length: number, buffer?: Buffer) {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new WireError(
        'INVALID_ARGUMENT',
        `bitfield length must be a non-negative integer, got ${length}`,
      );
    }
    this.length = length;
    const byteLength = Bitfield.byteLength(length);
    if (buffer === undefined) {
      this.bytes = Buffer.alloc(byteLength);
      this.setCount = 0;
      return;
    }
    if (buffer.length !== byteLength) {
      throw new WireError(
        'BAD_BITFIELD',
        `bitfield for ${length} pieces must be ${byteLength} bytes, got ${buffer.length}`,
      );
    }
    this.bytes = Buffer.from(buffer);
    const spare = byteLength * 8 - length;
    if (spare > 0) this.bytes[byteLength - 1] &= (0xff << spare) & 0xff;
    let count = 0;
    for (let i = 0; i < byteLength; i++) count += POPCOUNT[this.bytes[i]];
    this.setCount = count;
  }

  static byteLength(length: number): number {
    return Math.ceil(length / 8);
  }

  /** Parses a bitfield received from a peer: wrong size or any spare bit set is a protocol violation (BEP 3). */
  static fromBuffer(buffer: Buffer, length: number): Bitfield {
    const byteLength = Bitfield.byteLength(length);
    if (buffer.length !== byteLength) {
      throw new WireError(
        'BAD_BITFIELD',
        `bitfield for ${length} pieces must be ${byteLength} bytes, got ${buffer.length}`,
      );
    }
    const spare = byteLength * 8 - length;
    if (spare > 0 && (buffer[byteLength - 1] & ((1 << spare) - 1)) !== 0) {
      throw new WireError('BAD_BITFIELD', `bitfield has spare bits set beyond piece ${length - 1}`);
    }
    return new Bitfield(length, buffer);
  }

  /** Every piece set: what a seed or a `have-all` peer has. */
  static full(length: number): Bitfield {
    const bitfield = new Bitfield(length);
    bitfield.setAll();
    return bitfield;
  }

  get(index: number): boolean {
    this.checkIndex(index);
    return (this.bytes[index >> 3] & (0x80 >> (index & 7))) !== 0;
  }

  set(index: number, value = true): void {
    this.checkIndex(index);
    const mask = 0x80 >> (index & 7);
    const byte = this.bytes[index >> 3];
    const was = (byte & mask) !== 0;
    if (was === value) return;
    this.bytes[index >> 3] = value ? byte | mask : byte & ~mask;
    this.setCount += value ? 1 : -1;
  }

  setAll(): void {
    this.bytes.fill(0xff);
    const spare = this.bytes.length * 8 - this.length;
    if (spare > 0) this.bytes[this.bytes.length - 1] = (0xff << spare) & 0xff;
    this.setCount = this.length;
  }

  count(): number {
    return this.setCount;
  }

  hasAll(): boolean {
    return this.setCount === this.length;
  }

  hasNone(): boolean {
    return this.setCount === 0;
  }

  /** A copy in wire layout, ready to be sent in a `bitfield` message. */
  toBuffer(): Buffer {
    return Buffer.from(this.bytes);
  }

  clone(): Bitfield {
    return new Bitfield(this.length, this.bytes);
  }

  /** Indices of the set bits, in increasing order. */
  *indices(): IterableIterator<number> {
    for (let byteIndex = 0; byteIndex < this.bytes.length; byteIndex++) {
      const byte = this.bytes[byteIndex];
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if (byte & (0x80 >> bit)) yield byteIndex * 8 + bit;
      }
    }
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`piece index ${index} outside bitfield of ${this.length} pieces`);
    }
  }
}
