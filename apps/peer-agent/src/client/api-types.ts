// The wire shapes of the agent control API (docs/interfaces.md, "Agent control API"). The daemon
// answers with them and the client reads them, so both sides share this one definition.

export type TransferState =
  'metadata' | 'checking' | 'downloading' | 'seeding' | 'paused' | 'error';

export interface Transfer {
  infoHash: string;
  name: string;
  totalLength: number;
  state: TransferState;
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
  saveDir: string;
  addedAt: string;
  paused: boolean;
}

export interface TransferFile {
  path: string;
  length: number;
  downloaded: number;
}

export interface TransferPeer {
  address: string;
  port: number;
  client: string;
  downloadRate: number;
  uploadRate: number;
  progress: number;
  flags: string;
}

export interface TransferTracker {
  url: string;
  tier: number;
  lastAnnounceAt?: string;
  lastResult?: string;
  seeders?: number;
  leechers?: number;
}

/** `peers` here is the list of connected peers (the count is in `Transfer`). */
export interface TransferDetail extends Omit<Transfer, 'peers'> {
  files: TransferFile[];
  /** base64 of the piece bitfield (BEP 3 bit order). */
  bitfield: string;
  peers: TransferPeer[];
  trackers: TransferTracker[];
  uploadRateLimit: number;
  downloadRateLimit: number;
  maxConnections: number;
}

/** Rate limits in bytes/s (0 = unlimited) and a connection cap (0 = the engine's default). */
export interface Limits {
  uploadRateLimit?: number;
  downloadRateLimit?: number;
  maxConnections?: number;
}

export interface Settings {
  uploadRateLimit: number;
  downloadRateLimit: number;
  maxConnections: number;
}

export interface Health {
  ok: true;
  version: string;
  peerPort: number;
}

export interface AddTorrentRequest {
  url?: string;
  magnet?: string;
  /** base64 of the .torrent file */
  torrent?: string;
  saveDir?: string;
  paused?: boolean;
}

export interface CreateTorrentRequest {
  path: string;
  trackers: string[];
  publishTo?: string;
  title?: string;
  description?: string;
  category?: string;
  /** A list, or one comma-separated string. */
  tags?: string[] | string;
  private?: boolean;
  comment?: string;
  pieceLength?: number;
}

export interface CreateTorrentResponse {
  infoHash: string;
  magnet: string;
  transfer: Transfer;
  published?: { url: string };
}

export type AgentEvent =
  { event: 'transfer'; data: Transfer } | { event: 'removed'; data: { infoHash: string } };

export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
}
