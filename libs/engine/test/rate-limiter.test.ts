import { describe, expect, test } from 'vitest';
import { RateMeter, TokenBucket } from '../src/index.js';

describe('TokenBucket', () => {
  test('unlimited when the rate is 0', () => {
    const bucket = new TokenBucket(0);
    expect(bucket.limited).toBe(false);
    expect(bucket.take(10_000_000)).toBe(0);
  });

  test('allows a second of burst, then asks to wait in proportion to the debt', () => {
    let now = 0;
    const bucket = new TokenBucket(1000, undefined, () => now);
    expect(bucket.take(1000)).toBe(0);
    expect(bucket.take(500)).toBe(500);
    now = 500;
    expect(bucket.delay()).toBe(0);
  });

  test('a torrent bucket charges the session bucket it hangs from', () => {
    const now = 0;
    const session = new TokenBucket(1000, undefined, () => now);
    const torrent = new TokenBucket(0, session, () => now);
    expect(torrent.limited).toBe(true);
    torrent.take(3000);
    expect(session.delay()).toBe(2000);
    expect(torrent.delay()).toBe(2000);
    session.setRate(0);
    expect(torrent.delay()).toBe(0);
  });

  test('has spare while the bucket and its parents hold the asked share of their rate', () => {
    let now = 0;
    const session = new TokenBucket(1000, undefined, () => now);
    const torrent = new TokenBucket(4000, session, () => now);
    expect(new TokenBucket(0).hasSpare(0.5)).toBe(true);
    expect(torrent.hasSpare(0.5)).toBe(true);
    torrent.take(600); // the session bucket keeps 400 of 1000: less than half a second
    expect(torrent.hasSpare(0.5)).toBe(false);
    expect(torrent.hasSpare(0.4)).toBe(true);
    now = 100; // 100 more tokens refilled
    expect(torrent.hasSpare(0.5)).toBe(true);
  });

  test('the effective rate is the tightest along the chain', () => {
    const session = new TokenBucket(0);
    const torrent = new TokenBucket(0, session);
    expect(torrent.effectiveRate()).toBe(0);
    session.setRate(5000);
    expect(torrent.effectiveRate()).toBe(5000);
    torrent.setRate(2000);
    expect(torrent.effectiveRate()).toBe(2000);
    torrent.setRate(9000);
    expect(torrent.effectiveRate()).toBe(5000);
  });
});

describe('RateMeter', () => {
  test('reports bytes per second over its window and forgets old bursts', () => {
    let now = 10_000;
    const meter = new RateMeter(5000, 20, () => now);
    now += 5000;
    meter.add(5000);
    expect(meter.rate()).toBeCloseTo(1000, 0);
    now += 6000;
    expect(meter.rate()).toBe(0);
    expect(meter.total).toBe(5000);
  });
});
