export interface ChokeCandidate {
  id: string;
  interested: boolean;
  /** Payload rate from the peer to us (bytes/s): what a downloader rewards. */
  downloadRate: number;
  /** Payload rate from us to the peer: a seed keeps those it serves fastest. */
  uploadRate: number;
}

export interface ChokerOptions {
  regularSlots?: number;
  optimisticIntervalMs?: number;
  random?: () => number;
  now?: () => number;
}

/**
 * BEP 3's tit-for-tat: the best `regularSlots` interested peers by their rate to us (as a seed,
 * by our rate to them) are unchoked, plus one optimistic slot that rotates so that newcomers get
 * a chance to prove themselves.
 */
export class Choker {
  private optimistic?: string;
  private optimisticSince = 0;
  private readonly regularSlots: number;
  private readonly optimisticIntervalMs: number;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(options: ChokerOptions = {}) {
    this.regularSlots = options.regularSlots ?? 4;
    this.optimisticIntervalMs = options.optimisticIntervalMs ?? 30_000;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  get optimisticPeer(): string | undefined {
    return this.optimistic;
  }

  /** Returns the ids to unchoke; every other candidate is to be choked. */
  decide(candidates: ChokeCandidate[], seeding: boolean): Set<string> {
    const interested = candidates.filter((c) => c.interested);
    const byRate = [...interested].sort((a, b) =>
      seeding ? b.uploadRate - a.uploadRate : b.downloadRate - a.downloadRate,
    );
    const unchoked = new Set(byRate.slice(0, this.regularSlots).map((c) => c.id));
    const others = interested.filter((c) => !unchoked.has(c.id));
    const now = this.now();
    const current = others.find((c) => c.id === this.optimistic);
    if (!current || now - this.optimisticSince >= this.optimisticIntervalMs) {
      const pool = others.filter((c) => c.id !== this.optimistic);
      const choice = pool.length > 0 ? pool : others;
      if (choice.length > 0) {
        this.optimistic = choice[Math.floor(this.random() * choice.length)]!.id;
        this.optimisticSince = now;
      } else {
        this.optimistic = undefined;
      }
    }
    if (this.optimistic && others.some((c) => c.id === this.optimistic))
      unchoked.add(this.optimistic);
    return unchoked;
  }
}
