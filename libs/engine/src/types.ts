export interface SessionOptions {
  /** Per-torrent resume data (<infoHash>.resume, <infoHash>.torrent) lives here. */
  resumeDir: string;
  /** Default 6881, the next free port if taken; 0 = any. */
  peerPort?: number;
  /** Default '0.0.0.0'; tests pass '127.0.0.1'. */
  listenHost?: string;
  /** Default '-SH0100-' + 12 random bytes (BEP 20). */
  peerId?: Buffer;
  maxConnectionsPerTorrent?: number;
  maxConnections?: number;
  /** Bytes per second, 0 = unlimited. */
  uploadRateLimit?: number;
  downloadRateLimit?: number;
}

export type TorrentState = 'metadata' | 'checking' | 'downloading' | 'seeding' | 'paused' | 'error';

export interface TorrentStats {
  infoHash: string;
  name: string;
  totalLength: number;
  state: TorrentState;
  progress: number;
  downloaded: number;
  uploaded: number;
  downloadRate: number;
  uploadRate: number;
  peers: number;
  seeds: number;
  eta: number | null;
  ratio: number;
  piecesDone: number;
  pieceCount: number;
  error?: string;
}

export interface PeerInfo {
  address: string;
  port: number;
  client: string;
  downloadRate: number;
  uploadRate: number;
  progress: number;
  flags: string;
}

export interface TrackerInfo {
  url: string;
  tier: number;
  lastAnnounceAt?: string;
  lastResult?: string;
  seeders?: number;
  leechers?: number;
}

export interface FileInfo {
  path: string;
  length: number;
  downloaded: number;
}

export interface TorrentLimits {
  uploadRateLimit?: number;
  downloadRateLimit?: number;
  maxConnections?: number;
}

export interface SessionLimits {
  uploadRateLimit?: number;
  downloadRateLimit?: number;
  maxConnections?: number;
  maxConnectionsPerTorrent?: number;
}
