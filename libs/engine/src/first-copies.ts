import { Bitfield } from '@swarmhub/wire';

/** How long a peer that asks again for a piece it was turned away from waits before it gets it. */
export const INSIST_AFTER_MS = 1000;

/**
 * What becomes of a request: `first-copy` when the piece had no copy in the swarm before this peer
 * (its blocks go out ahead of copies while the upload cap is what limits us), `copy` otherwise,
 * `refused` when the peer is turned away.
 */
export type Admission = 'first-copy' | 'copy' | 'refused';

/** What FirstCopies remembers of one peer. */
export interface FirstCopiesPeerState {
  /** Pieces whose requests from this peer were admitted (the rest of their blocks are too), and whether as the first copy. */
  readonly admitted: Map<number, boolean>;
  /** Pieces this peer was turned away from: when (the first time), and the offsets of the blocks. */
  readonly turnedAway: Map<number, { at: number; begins: Set<number> }>;
  /** The peer asked again at once for a block it was turned away from: it is not turned away again. */
  ignoresRefusals: boolean;
}

export function newFirstCopiesPeerState(): FirstCopiesPeerState {
  return { admitted: new Map(), turnedAway: new Map(), ignoresRefusals: false };
}

/**
 * A seed's upload is best spent on pieces the swarm has no copy of: a second copy sent by the seed
 * is a copy the leechers could have traded among themselves. Leechers that pick rarest first still
 * collide (they pick at the same time and cannot see each other's requests queued at the seed), and
 * a request queued behind a second of others reaches the front after another peer got the piece.
 *
 * So while some piece has no copy yet (no connected peer has announced it and the seed has not
 * begun serving it to anyone), a request for a piece that has one is turned away (BEP 6 reject);
 * the peer picks another piece, and gets the one it asked for from the swarm. Requests are never
 * turned away once every piece has a copy, so a lone leecher or a swarm that lost its only copy of
 * a piece is delayed, never starved; and a peer that asks again for a block it was turned away from
 * a second later gets it. A peer that asks again at once (aria2 1.36 does, in a loop: 187,000
 * rejects to three aria2c leechers in 6 s) gets it at once, and is never turned away again.
 *
 * Admitted requests for pieces without a copy are marked `first-copy`: under an upload cap the
 * BlockServer sends them ahead of copies, so the pieces admitted last are not held up by copies
 * admitted after them (without it a seed of 8 leechers sent 10-15% of the data twice).
 *
 * This is the request-side half of super-seeding (BEP 16) without hiding pieces: peers still see a
 * complete bitfield, and standard clients need nothing new.
 */
export class FirstCopies {
  private readonly copied: Bitfield;
  private uncopied: number;

  constructor(pieceCount: number) {
    this.copied = new Bitfield(pieceCount);
    this.uncopied = pieceCount;
  }

  /** Whether some piece still has no copy (the only time requests are turned away). */
  get active(): boolean {
    return this.uncopied > 0;
  }

  markCopied(index: number): void {
    if (index < 0 || index >= this.copied.length || this.copied.get(index)) return;
    this.copied.set(index);
    this.uncopied--;
  }

  /** A peer announced these pieces (its bitfield, or every piece). */
  markAllCopied(has: Bitfield | 'all'): void {
    if (!this.active) return;
    for (let i = 0; i < this.copied.length; i++)
      if (has === 'all' || has.get(i)) this.markCopied(i);
  }

  /**
   * What to do with a request for `block` from a peer at `now` (ms). `canTurnAway` is false for
   * peers without the fast extension (they cannot be told, so they are always served).
   */
  admit(
    peer: FirstCopiesPeerState,
    block: { index: number; begin: number },
    now: number,
    canTurnAway: boolean,
  ): Admission {
    const { index, begin } = block;
    const earlier = peer.admitted.get(index);
    if (earlier !== undefined) return earlier ? 'first-copy' : 'copy';
    if (!this.active) return 'copy';
    const refusal = peer.turnedAway.get(index);
    if (refusal?.begins.has(begin) && now - refusal.at < INSIST_AFTER_MS)
      peer.ignoresRefusals = true;
    const insists = refusal !== undefined && now - refusal.at >= INSIST_AFTER_MS;
    if (!canTurnAway || peer.ignoresRefusals || !this.copied.get(index) || insists) {
      const first = !this.copied.get(index);
      peer.admitted.set(index, first);
      peer.turnedAway.delete(index);
      this.markCopied(index);
      return first ? 'first-copy' : 'copy';
    }
    if (refusal) refusal.begins.add(begin);
    else peer.turnedAway.set(index, { at: now, begins: new Set([begin]) });
    return 'refused';
  }
}
