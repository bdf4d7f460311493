import { Inject, Injectable } from '@nestjs/common';
import { TRACKER_CONFIG, type TrackerConfig } from '../config/tracker-config.js';
import { Swarm, type SwarmPeer } from './swarm.js';

export interface SwarmCounts {
  seeders: number;
  leechers: number;
  completed: number;
}

/**
 * A change to write behind to the peers table: the peer of that row as it now stands, or null
 * once gone. Keyed by row, so a peer that leaves and comes back (a new row) cannot hide the
 * deletion of its old row.
 */
export interface PeerChange {
  row: number;
  infoHash: string;
  peer: SwarmPeer | null;
}

/**
 * Every swarm the tracker serves, in memory. Announces read and change only this; the peers
 * table is a mirror written in batches (see PeerStore) so the hot path never waits on SQLite.
 */
@Injectable()
export class SwarmRegistry {
  private readonly swarms = new Map<string, Swarm>();
  private readonly completedCounts = new Map<string, number>();
  private pending = new Map<number, PeerChange>();
  /** The next row id of the peers table; rows of new peers append in this order. */
  private nextRow = 1;
  /** Kept as peers come and go, so stats and metrics never walk a million swarms. */
  private seederTotal = 0;
  private leecherTotal = 0;

  constructor(@Inject(TRACKER_CONFIG) private readonly config: TrackerConfig) {}

  /** Silence after which a peer is dropped: two intervals plus a grace period, in ms. */
  get peerTtlMs(): number {
    return (2 * this.config.interval + this.config.peerGraceSeconds) * 1000;
  }

  find(infoHash: string, peerId: string): SwarmPeer | undefined {
    return this.swarms.get(infoHash)?.get(peerId);
  }

  swarm(infoHash: string): Swarm | undefined {
    return this.swarms.get(infoHash);
  }

  save(infoHash: string, peer: SwarmPeer): Swarm {
    if (peer.row === 0) peer.row = this.nextRow++;
    let swarm = this.swarms.get(infoHash);
    if (swarm === undefined) {
      swarm = new Swarm();
      this.swarms.set(infoHash, swarm);
    }
    const seeders = swarm.seeders.length;
    const leechers = swarm.leechers.length;
    const replaced = swarm.put(peer);
    if (replaced !== undefined) {
      this.pending.set(replaced.row, { row: replaced.row, infoHash, peer: null });
    }
    this.seederTotal += swarm.seeders.length - seeders;
    this.leecherTotal += swarm.leechers.length - leechers;
    this.pending.set(peer.row, { row: peer.row, infoHash, peer });
    return swarm;
  }

  drop(infoHash: string, peerId: string): boolean {
    const swarm = this.swarms.get(infoHash);
    const peer = swarm?.remove(peerId);
    if (swarm === undefined || peer === undefined) return false;
    if (peer.seeding) this.seederTotal--;
    else this.leecherTotal--;
    if (swarm.size === 0) this.swarms.delete(infoHash);
    this.pending.set(peer.row, { row: peer.row, infoHash, peer: null });
    return true;
  }

  /** Forgets a deleted torrent's peers and completions. */
  forget(infoHash: string): void {
    const swarm = this.swarms.get(infoHash);
    for (const peerId of swarm?.peers.keys() ?? []) this.drop(infoHash, peerId);
    this.completedCounts.delete(infoHash);
  }

  countCompletion(infoHash: string): void {
    this.completedCounts.set(infoHash, (this.completedCounts.get(infoHash) ?? 0) + 1);
  }

  counts(infoHash: string): SwarmCounts {
    const swarm = this.swarms.get(infoHash);
    return {
      seeders: swarm?.seeders.length ?? 0,
      leechers: swarm?.leechers.length ?? 0,
      completed: this.completedCounts.get(infoHash) ?? 0,
    };
  }

  totals(): { torrents: number; peers: number; seeders: number; leechers: number } {
    return {
      torrents: this.swarms.size,
      peers: this.seederTotal + this.leecherTotal,
      seeders: this.seederTotal,
      leechers: this.leecherTotal,
    };
  }

  /** Drops peers silent for longer than the TTL; returns how many went. */
  expire(now: number): number {
    const cutoff = now - this.peerTtlMs;
    let removed = 0;
    for (const [infoHash, swarm] of [...this.swarms]) {
      for (const peer of [...swarm.peers.values()]) {
        if (peer.lastAnnounce < cutoff && this.drop(infoHash, peer.peerId)) removed++;
      }
    }
    return removed;
  }

  /** Hands over the changes since the last call (the write-behind batch). */
  takeChanges(): PeerChange[] {
    if (this.pending.size === 0) return [];
    const changes = [...this.pending.values()];
    this.pending = new Map();
    return changes;
  }

  /**
   * Fills the registry at start from what was last written (peers with their rows); these are
   * not changes, except that a peer found twice keeps its latest row and the other is deleted.
   */
  restore(
    peers: Array<{ infoHash: string; peer: SwarmPeer }>,
    completed: Map<string, number>,
  ): void {
    for (const { infoHash, peer } of peers) {
      this.nextRow = Math.max(this.nextRow, peer.row + 1);
      let swarm = this.swarms.get(infoHash);
      if (swarm === undefined) {
        swarm = new Swarm();
        this.swarms.set(infoHash, swarm);
      }
      const twin = swarm.get(peer.peerId);
      if (twin !== undefined) {
        const [older, newer] = twin.row < peer.row ? [twin, peer] : [peer, twin];
        this.pending.set(older.row, { row: older.row, infoHash, peer: null });
        if (newer === twin) continue;
        swarm.remove(twin.peerId);
        if (twin.seeding) this.seederTotal--;
        else this.leecherTotal--;
      }
      swarm.put(peer);
      if (peer.seeding) this.seederTotal++;
      else this.leecherTotal++;
    }
    for (const [infoHash, count] of completed) this.completedCounts.set(infoHash, count);
  }
}
