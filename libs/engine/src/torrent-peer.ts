import type { Bitfield } from '@swarmhub/wire';
import { type FirstCopiesPeerState, newFirstCopiesPeerState } from './first-copies.js';
import type { QueuedBlock } from './block-server.js';
import type { PeerConnection } from './peer-connection.js';

/** What a torrent keeps about one connected peer. */
export interface TorrentPeer {
  conn: PeerConnection;
  /** Unique per connection: the picker's opaque peer id. */
  key: string;
  /** Who gets banned for corrupt data (see banKeyOf). */
  banKey: string;
  ready: boolean;
  has: Bitfield | 'all' | null;
  hasCount: number;
  /** What the peer announced before we had the metadata to size a bitfield. */
  early: { bitfield?: Buffer; all?: boolean; haves: number[] };
  uploadQueue: QueuedBlock[];
  /** How many entries of uploadQueue are first copies (kept by BlockServer). */
  firstCopiesQueued: number;
  pumping: boolean;
  allowedFastGiven: Set<number>;
  /** What our FirstCopies policy remembers of the peer while we seed. */
  firstCopies: FirstCopiesPeerState;
  /** Pieces the peer turned our requests for away (BEP 6 reject), and when: asked of other peers first. */
  refusedPieces: Map<number, number>;
  utMetadataId?: number;
}

export function newTorrentPeer(conn: PeerConnection): TorrentPeer {
  return {
    conn,
    key: `${conn.address}:${conn.port}:${conn.outgoing ? 'o' : 'i'}`,
    banKey: '',
    ready: false,
    has: null,
    hasCount: 0,
    early: { haves: [] },
    uploadQueue: [],
    firstCopiesQueued: 0,
    pumping: false,
    allowedFastGiven: new Set(),
    firstCopies: newFirstCopiesPeerState(),
    refusedPieces: new Map(),
  };
}

export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip.startsWith('::ffff:127.');
}

/** Outgoing peers are known by address and listening port. */
export function banKeyFor(ip: string, port: number): string {
  return isLoopback(ip) ? `${ip}:${port}` : ip;
}

/**
 * A ban covers the address. On loopback every peer shares one address, so there it covers the
 * listening port (outgoing) or the peer id (incoming) instead.
 */
export function banKeyOf(conn: PeerConnection): string {
  if (conn.outgoing) return banKeyFor(conn.address, conn.port);
  if (isLoopback(conn.address))
    return `${conn.address}#${conn.remotePeerId?.toString('hex') ?? ''}`;
  return conn.address;
}
