/**
 * A token bucket: `rate` bytes per second with one second of burst. Rate 0 means unlimited.
 * Limiters chain (a torrent's bucket has the session's as parent) so one call charges both.
 */
export class TokenBucket {
  private tokens: number;
  private lastRefill: number;

  constructor(
    private rate: number,
    private readonly parent?: TokenBucket,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = rate;
    this.lastRefill = now();
  }

  setRate(rate: number): void {
    this.rate = Math.max(0, rate);
    this.tokens = Math.min(this.tokens, this.rate);
  }

  get limited(): boolean {
    return this.rate > 0 || (this.parent?.limited ?? false);
  }

  /** The tightest rate along the chain in bytes/s; 0 when nothing limits. */
  effectiveRate(): number {
    const inherited = this.parent?.effectiveRate() ?? 0;
    if (this.rate <= 0) return inherited;
    return inherited > 0 ? Math.min(this.rate, inherited) : this.rate;
  }

  /** Takes `bytes` (possibly going into debt, so large blocks pass) and returns how many ms to wait before the next take. */
  take(bytes: number): number {
    const own = this.takeOwn(bytes);
    const inherited = this.parent ? this.parent.take(bytes) : 0;
    return Math.max(own, inherited);
  }

  /** Milliseconds until the bucket (and its parents) are out of debt. 0 when a take may proceed. */
  delay(): number {
    const own = this.ownDelay();
    return Math.max(own, this.parent ? this.parent.delay() : 0);
  }

  /**
   * Whether the bucket and its parents hold at least `seconds` of their rate: the limit is not what
   * holds senders back just now. Always true when nothing limits.
   */
  hasSpare(seconds: number): boolean {
    if (this.rate > 0) {
      this.refill();
      if (this.tokens < this.rate * seconds) return false;
    }
    return this.parent ? this.parent.hasSpare(seconds) : true;
  }

  private takeOwn(bytes: number): number {
    if (this.rate <= 0) return 0;
    this.refill();
    this.tokens -= bytes;
    return this.ownDelay();
  }

  private ownDelay(): number {
    if (this.rate <= 0) return 0;
    this.refill();
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.rate);
  }

  private refill(): void {
    const now = this.now();
    const elapsed = now - this.lastRefill;
    if (elapsed <= 0) return;
    this.lastRefill = now;
    this.tokens = Math.min(this.rate, this.tokens + (elapsed * this.rate) / 1000);
  }
}
