import { describe, expect, test } from 'vitest';
import { formatAge, formatBytes, formatDuration, formatPercent, formatRate } from '../lib/format';

describe('formatBytes', () => {
  test('uses binary units with precision that shrinks as the number grows', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.00 KiB');
    expect(formatBytes(276_134_947)).toBe('263 MiB');
    expect(formatBytes(6_114_656_256)).toBe('5.69 GiB');
    expect(formatBytes(15.5 * 1024 * 1024)).toBe('15.5 MiB');
  });

  test('never prints NaN for a missing or negative size', () => {
    expect(formatBytes(Number.NaN)).toBe('–');
    expect(formatBytes(-1)).toBe('–');
  });

  test('rates are bytes per second, rounded', () => {
    expect(formatRate(2048.4)).toBe('2.00 KiB/s');
    expect(formatRate(-5)).toBe('0 B/s');
  });
});

describe('formatPercent', () => {
  test('shows 100% only for a complete transfer', () => {
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.99999)).toBe('99.9%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.5)).toBe('50.0%');
  });

  test('clamps values outside 0..1', () => {
    expect(formatPercent(1.5)).toBe('100%');
    expect(formatPercent(-0.2)).toBe('0%');
    expect(formatPercent(Number.NaN)).toBe('0%');
  });
});

describe('formatDuration', () => {
  test('an unknown ETA is infinite, not NaN', () => {
    expect(formatDuration(null)).toBe('∞');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('∞');
  });

  test('picks the two largest units', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(3 * 3600 + 4 * 60)).toBe('3 h 4 min');
    expect(formatDuration(50 * 3600)).toBe('2 d 2 h');
  });
});

describe('formatAge', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  test('counts back from now in the largest whole unit', () => {
    expect(formatAge('2026-11-28T12:00:00Z', now)).toBe('just now');
    expect(formatAge('2026-11-28T11:59:59Z', now)).toBe('1 second ago');
    expect(formatAge('2026-11-28T11:55:00Z', now)).toBe('5 minutes ago');
    expect(formatAge('2026-11-28T07:00:00Z', now)).toBe('5 hours ago');
    expect(formatAge('2026-11-25T12:00:00Z', now)).toBe('3 days ago');
    expect(formatAge('2024-11-28T12:00:00Z', now)).toBe('2 years ago');
  });

  test('a clock slightly ahead of ours is not "in the future"', () => {
    expect(formatAge('2026-11-28T12:00:05Z', now)).toBe('just now');
  });

  test('a garbled timestamp says so', () => {
    expect(formatAge('yesterday', now)).toBe('unknown');
  });
});
