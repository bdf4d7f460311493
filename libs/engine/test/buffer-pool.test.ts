import { expect, test } from 'vitest';
import { BufferPool } from '../src/buffer-pool.js';

test('a buffer given back is handed out again; other sizes are not kept', () => {
  const pool = new BufferPool(1024);
  const a = pool.take(1024);
  pool.give(a);
  pool.give(Buffer.allocUnsafeSlow(512));
  expect(pool.take(1024)).toBe(a);
  expect(pool.take(1024)).not.toBe(a);
  expect(pool.take(512).length).toBe(512);
});

test('a view into a larger allocation is never kept: handing it out would overwrite its neighbours', () => {
  const pool = new BufferPool(1024);
  const big = Buffer.alloc(4096, 7);
  pool.give(big.subarray(1024, 2048));
  pool.give(big.subarray(0, 1024));
  const taken = pool.take(1024);
  taken.fill(1);
  expect(big.every((b) => b === 7)).toBe(true);
});

test('at most maxFree buffers wait in the pool', () => {
  const pool = new BufferPool(16, 2);
  const given = [pool.take(16), pool.take(16), pool.take(16)];
  for (const b of given) pool.give(b);
  const again = [pool.take(16), pool.take(16), pool.take(16)];
  expect(again.filter((b) => given.includes(b))).toHaveLength(2);
});
