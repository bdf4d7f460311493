import { expect, test } from 'vitest';
import { cellState, decodeBase64, pieceCells, pieceCounts, pieceDone } from '../lib/bitfield';

test('piece 0 is the high bit of the first byte, as on the wire', () => {
  const bits = decodeBase64(Buffer.from([0b1010_0000, 0b0000_0001]).toString('base64'));
  expect([0, 1, 2, 3, 15].map((i) => pieceDone(bits, i))).toEqual([true, false, true, false, true]);
});

test('an index past the end is not done', () => {
  expect(pieceDone(new Uint8Array([0xff]), 8)).toBe(false);
});

test('counts pieces done, in progress and missing, ignoring the spare bits of the last byte', () => {
  // 10 pieces: 0-3 done, 4 and 5 in progress, spare bits set in both maps.
  const done = new Uint8Array([0b1111_0000, 0b0011_1111]);
  const inProgress = new Uint8Array([0b0000_1100, 0b0011_1111]);
  expect(pieceCounts(done, inProgress, 10)).toEqual({ done: 4, inProgress: 2, missing: 4 });
  // An agent without the in-progress map (an empty string) leaves everything else missing.
  expect(pieceCounts(done, decodeBase64(''), 10)).toEqual({ done: 4, inProgress: 0, missing: 6 });
});

test('a piece set in both maps is done, not in progress', () => {
  const both = new Uint8Array([0b1000_0000]);
  expect(pieceCounts(both, both, 1)).toEqual({ done: 1, inProgress: 0, missing: 0 });
  expect(pieceCells(both, both, 1, 1)).toEqual([{ done: 1, inProgress: 0 }]);
});

test('one piece per cell: each cell is done, in progress or missing', () => {
  const done = new Uint8Array([0b1100_0000]);
  const inProgress = new Uint8Array([0b0010_0000]);
  const cells = pieceCells(done, inProgress, 4, 100);
  expect(cells.map(cellState)).toEqual(['done', 'done', 'in-progress', 'missing']);
});

test('with more pieces than cells, each cell holds the fractions of its pieces', () => {
  // 10 pieces, first 5 done, piece 7 in progress.
  const done = new Uint8Array([0b1111_1000, 0]);
  const inProgress = new Uint8Array([0b0000_0001, 0]);
  const cells = pieceCells(done, inProgress, 10, 5);
  expect(cells).toEqual([
    { done: 1, inProgress: 0 },
    { done: 1, inProgress: 0 },
    { done: 0.5, inProgress: 0 },
    { done: 0, inProgress: 0.5 },
    { done: 0, inProgress: 0 },
  ]);
  expect(cells.map(cellState)).toEqual(['done', 'done', 'partial', 'in-progress', 'missing']);
});

test('no pieces (metadata not fetched yet) draws nothing', () => {
  expect(pieceCells(new Uint8Array(), new Uint8Array(), 0, 10)).toEqual([]);
});
