import { describe, expect, it } from 'vitest';
import { Bitfield, WireError } from '../src/index.js';
import { expectWireError } from './support.js';

describe('Bitfield', () => {
  it('puts piece 0 in the high bit of byte 0 (BEP 3 layout)', () => {
    const bitfield = new Bitfield(10);
    bitfield.set(0);
    bitfield.set(9);
    expect(bitfield.toBuffer()).toEqual(Buffer.from([0x80, 0x40]));
    expect(bitfield.get(0)).toBe(true);
    expect(bitfield.get(1)).toBe(false);
    expect(bitfield.get(9)).toBe(true);
    expect(bitfield.count()).toBe(2);
  });

  it('keeps the count exact through repeated and clearing sets', () => {
    const bitfield = new Bitfield(20);
    bitfield.set(3);
    bitfield.set(3);
    bitfield.set(4);
    bitfield.set(3, false);
    bitfield.set(3, false);
    expect(bitfield.count()).toBe(1);
    expect([...bitfield.indices()]).toEqual([4]);
  });

  it('full() sets exactly `length` bits and no spare bits', () => {
    const bitfield = Bitfield.full(11);
    expect(bitfield.toBuffer()).toEqual(Buffer.from([0xff, 0xe0]));
    expect(bitfield.count()).toBe(11);
    expect(bitfield.hasAll()).toBe(true);
  });

  it('fromBuffer rejects a wrong size and spare bits set', () => {
    expect(() => Bitfield.fromBuffer(Buffer.from([0xff]), 10)).toThrow(WireError);
    expectWireError(() => Bitfield.fromBuffer(Buffer.from([0xff, 0xe0]), 10), 'BAD_BITFIELD');
    const ok = Bitfield.fromBuffer(Buffer.from([0xff, 0xc0]), 10);
    expect(ok.count()).toBe(10);
  });

  it('copies the buffer it is given and the one it returns', () => {
    const source = Buffer.from([0x00]);
    const bitfield = new Bitfield(8, source);
    source[0] = 0xff;
    expect(bitfield.count()).toBe(0);
    bitfield.toBuffer()[0] = 0xff;
    expect(bitfield.get(0)).toBe(false);
  });

  it('throws RangeError outside its length', () => {
    const bitfield = new Bitfield(8);
    expect(() => bitfield.get(8)).toThrow(RangeError);
    expect(() => bitfield.set(-1)).toThrow(RangeError);
  });

  it('handles a zero-length bitfield', () => {
    const bitfield = new Bitfield(0);
    expect(bitfield.toBuffer().length).toBe(0);
    expect(bitfield.hasAll()).toBe(true);
  });
});
