import { expect, test } from 'vitest';
import { decodeBase64, pieceCells, pieceDone } from '../lib/bitfield';

test('piece 0 is the high bit of the first byte, as on the wire', () => {
  const bits = decodeBase64(Buffer.from([0b1010_0000, 0b0000_0001]).toString('base64'));
  expect([0, 1, 2, 3, 15].map((i) => pieceDone(bits, i))).toEqual([true, false, true, false, true]);
});

test('an index past the end is not done', () => {
  expect(pieceDone(new Uint8Array([0xff]), 8)).toBe(false);
});

test('with more pieces than cells, each cell holds the fraction of its pieces done', () => {
  // 10 pieces, first 5 done: 0b11111000 0b00000000
  const bits = new Uint8Array([0b1111_1000, 0]);
  expect(pieceCells(bits, 10, 5)).toEqual([1, 1, 0.5, 0, 0]);
  expect(pieceCells(bits, 10, 100)).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
});

test('no pieces (metadata not fetched yet) draws nothing', () => {
  expect(pieceCells(new Uint8Array(), 0, 10)).toEqual([]);
});
