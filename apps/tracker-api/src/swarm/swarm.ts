/**
 * One peer of a swarm as the tracker holds it in memory. Addresses are kept as numbers or a
 * small buffer so that a million peers stay compact and the compact answer is a copy.
 */
export interface SwarmPeer {
  /** The 20 raw peer id bytes as a latin1 string (cheaper to hold than a Buffer). */
  peerId: string;
  ip: string;
  /** IPv4 address as an unsigned 32-bit number, or -1 for an IPv6 peer. */
  ipv4: number;
  /** IPv6 address bytes, or null for an IPv4 peer. */
  ipv6: Buffer | null;
  port: number;
  uploaded: number;
  downloaded: number;
  left: number;
  /** BEP 21 partial seed: wants no more data, so it is served and counted like a seeder. */
  paused: boolean;
  key: string | null;
  lastAnnounce: number;
  /** Its row id in the peers table, assigned by SwarmRegistry.save; 0 until then. */
  row: number;
  /** Position in its swarm's seeder or leecher list, for O(1) removal. */
  slot: number;
  seeding: boolean;
}

export function isSeeding(left: number, paused: boolean): boolean {
  return left === 0 || paused;
}

/** The peers of one info hash, split into seeders and leechers for answer selection. */
export class Swarm {
  readonly peers = new Map<string, SwarmPeer>();
  readonly seeders: SwarmPeer[] = [];
  readonly leechers: SwarmPeer[] = [];

  get size(): number {
    return this.peers.size;
  }

  get(peerId: string): SwarmPeer | undefined {
    return this.peers.get(peerId);
  }

  /**
   * Adds a new peer, or moves an existing one between seeders and leechers when it changed.
   * Returns the other object it replaced for the same peer id, if any.
   */
  put(peer: SwarmPeer): SwarmPeer | undefined {
    const existing = this.peers.get(peer.peerId);
    if (existing !== undefined && existing !== peer) this.remove(existing.peerId);
    if (existing === peer) {
      const inSeeders = this.seeders[peer.slot] === peer;
      if (inSeeders === peer.seeding) return undefined;
      this.detach(peer, inSeeders ? this.seeders : this.leechers);
    }
    const list = peer.seeding ? this.seeders : this.leechers;
    peer.slot = list.length;
    list.push(peer);
    this.peers.set(peer.peerId, peer);
    return existing === peer ? undefined : existing;
  }

  remove(peerId: string): SwarmPeer | undefined {
    const peer = this.peers.get(peerId);
    if (peer === undefined) return undefined;
    this.peers.delete(peerId);
    this.detach(peer, this.seeders[peer.slot] === peer ? this.seeders : this.leechers);
    return peer;
  }

  /**
   * Up to `count` other peers for `requester`, starting at a random place so that every peer
   * gets handed out. A seeder only gets leechers: other seeders have nothing it needs.
   */
  select(requester: SwarmPeer | undefined, count: number, random = Math.random): SwarmPeer[] {
    const includeSeeders = requester === undefined || !requester.seeding;
    const leechers = this.leechers;
    const seeders = this.seeders;
    const total = leechers.length + (includeSeeders ? seeders.length : 0);
    const result: SwarmPeer[] = [];
    if (count <= 0 || total === 0) return result;
    const start = total > count + 1 ? Math.floor(random() * total) : 0;
    for (let step = 0; step < total && result.length < count; step++) {
      const i = (start + step) % total;
      const peer = i < leechers.length ? leechers[i] : seeders[i - leechers.length];
      if (peer !== requester) result.push(peer);
    }
    return result;
  }

  private detach(peer: SwarmPeer, list: SwarmPeer[]): void {
    const last = list.pop()!;
    if (last !== peer) {
      list[peer.slot] = last;
      last.slot = peer.slot;
    }
  }
}
