/**
 * Decides whom to ban for corrupt data. A peer that alone sent a piece that failed its hash gets a
 * strike; `maxStrikes` strikes ban it. When a failed piece later passes, each block of the failed
 * copy that differs from the good one proves its sender sent garbage: banned at once. That way a
 * good peer whose blocks shared a piece with a liar's is never punished for it.
 */
export class HashFailureTracker {
  private readonly strikes = new Map<string, number>();
  private readonly banned = new Set<string>();
  private readonly failed = new Map<number, { data: Buffer; senders: (string | undefined)[] }>();

  constructor(
    private readonly blockSize = 16384,
    private readonly maxStrikes = 2,
    private readonly maxRememberedPieces = 16,
  ) {}

  isBanned(key: string): boolean {
    return this.banned.has(key);
  }

  /** Returns the keys banned because of this failure. */
  pieceFailed(index: number, data: Buffer, senders: (string | undefined)[]): string[] {
    const distinct = new Set(senders.filter((s): s is string => s !== undefined));
    if (this.failed.size < this.maxRememberedPieces || this.failed.has(index)) {
      this.failed.set(index, { data, senders });
    }
    const newlyBanned: string[] = [];
    if (distinct.size === 1) {
      const [key] = distinct;
      const n = (this.strikes.get(key!) ?? 0) + 1;
      this.strikes.set(key!, n);
      if (n >= this.maxStrikes && !this.banned.has(key!)) {
        this.banned.add(key!);
        newlyBanned.push(key!);
      }
    }
    return newlyBanned;
  }

  /** Returns the keys proven to have sent corrupt blocks of this piece. */
  piecePassed(index: number, good: Buffer): string[] {
    const bad = this.failed.get(index);
    if (!bad) return [];
    this.failed.delete(index);
    const newlyBanned: string[] = [];
    for (let b = 0; b < bad.senders.length; b++) {
      const key = bad.senders[b];
      if (!key || this.banned.has(key)) continue;
      const begin = b * this.blockSize;
      const end = Math.min(begin + this.blockSize, good.length);
      if (!good.subarray(begin, end).equals(bad.data.subarray(begin, end))) {
        this.banned.add(key);
        newlyBanned.push(key);
      }
    }
    return newlyBanned;
  }
}
