/**
 * Bytes per second over a sliding window, kept as fixed time slots so that adding is O(1)
 * and a burst fades out of the figure after `windowMs`.
 */
export class RateMeter {
  private readonly slots: Float64Array;
  private readonly slotMs: number;
  private headSlot = 0;
  private headIndex = 0;
  private readonly startedAt: number;
  total = 0;

  constructor(
    private readonly windowMs = 5000,
    slotCount = 20,
    private readonly now: () => number = Date.now,
  ) {
    this.slots = new Float64Array(slotCount);
    this.slotMs = windowMs / slotCount;
    this.startedAt = now();
    this.headSlot = Math.floor(this.startedAt / this.slotMs);
  }

  add(bytes: number): void {
    this.advance();
    this.slots[this.headIndex] += bytes;
    this.total += bytes;
  }

  /** Bytes per second over the window (or over the meter's life when that is shorter). */
  rate(): number {
    this.advance();
    let sum = 0;
    for (let i = 0; i < this.slots.length; i++) sum += this.slots[i]!;
    const lived = Math.max(this.now() - this.startedAt, this.slotMs);
    return (sum * 1000) / Math.min(this.windowMs, lived);
  }

  private advance(): void {
    const slot = Math.floor(this.now() / this.slotMs);
    let steps = slot - this.headSlot;
    if (steps <= 0) return;
    if (steps > this.slots.length) steps = this.slots.length;
    for (let i = 0; i < steps; i++) {
      this.headIndex = (this.headIndex + 1) % this.slots.length;
      this.slots[this.headIndex] = 0;
    }
    this.headSlot = slot;
  }
}
