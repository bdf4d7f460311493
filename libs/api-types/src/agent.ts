// The JSON shapes of the agent control API (docs/interfaces.md, "Agent control API"). The daemon
// answers with them, its CLI client and the web app read them: one definition, so a field added
// on one side shows up as a type error on the other instead of as `undefined` at run time.
// Everything here is plain JSON (strings, numbers, booleans): no Buffer, no Date.

/** The engine's torrent states, as the API reports them. */
export type TransferState =
  'metadata' | 'checking' | 'downloading' | 'seeding' | 'paused' | 'error';

/** One transfer as listed, and as carried by the `transfer` event. */
export interface Transfer {
  infoHash: string;
  name: string;
  totalLength: number;
  state: TransferState;
  /** 0..1 */
  progress: number;
  /** bytes */
  downloaded: number;
  uploaded: number;
  /** bytes/s */
  downloadRate: number;
  uploadRate: number;
  /** how many peers are connected (the detail lists them) */
  peers: number;
  seeds: number;
  /** seconds, null when unknown */
  eta: number | null;
  ratio: number;
  piecesDone: number;
  pieceCount: number;
  error?: string;
  saveDir: string;
  /** ISO 8601 */
  addedAt: string;
  paused: boolean;
}

export interface FileInfo {
  /** relative to the transfer's save directory, `/`-separated */
  path: string;
  length: number;
  downloaded: number;
}

export interface PeerInfo {
  address: string;
  port: number;
  /** from the peer id (BEP 20), e.g. "aria2 1.36.0" */
  client: string;
  downloadRate: number;
  uploadRate: number;
  progress: number;
  flags: string;
}

export interface TrackerInfo {
  url: string;
  /** BEP 12 tier, 0 first */
  tier: number;
  lastAnnounceAt?: string;
  lastResult?: string;
  seeders?: number;
  leechers?: number;
}

/** One transfer in full. Here `peers` is the list of connected peers; in `Transfer` it is their count. */
export interface TransferDetail extends Omit<Transfer, 'peers'> {
  files: FileInfo[];
  /** base64 of the piece bitfield (BEP 3 order: piece 0 in the high bit of the first byte) */
  bitfield: string;
  /** base64 bitfield, same order and length as `bitfield`, of the pieces being downloaded (never done ones) */
  inProgress: string;
  peers: PeerInfo[];
  trackers: TrackerInfo[];
  uploadRateLimit: number;
  downloadRateLimit: number;
  maxConnections: number;
}

/** `GET /api/v1/torrents` */
export interface TransferList {
  torrents: Transfer[];
}

/**
 * Body of `PATCH /api/v1/torrents/:infoHash` and `PATCH /api/v1/settings`: rates in bytes/s
 * (0 = unlimited), a connection cap (0 = the engine's default). Absent fields stay as they are.
 */
export interface Limits {
  uploadRateLimit?: number;
  downloadRateLimit?: number;
  maxConnections?: number;
}

/** `GET /api/v1/settings`, and the answer to `PATCH /api/v1/settings`. */
export interface Settings {
  uploadRateLimit: number;
  downloadRateLimit: number;
  maxConnections: number;
}

/** `GET /api/v1/health` */
export interface Health {
  ok: true;
  version: string;
  /** the BitTorrent listening port */
  peerPort: number;
}

/** JSON body of `POST /api/v1/torrents`: exactly one of `url`, `magnet`, `torrent`. */
export interface AddTorrentRequest {
  /** an http(s) address of a .torrent file, which the agent fetches */
  url?: string;
  magnet?: string;
  /** base64 of the .torrent file */
  torrent?: string;
  saveDir?: string;
  paused?: boolean;
}

/** Body of `POST /api/v1/create`. */
export interface CreateTorrentRequest {
  /** a file or folder on the agent's machine */
  path: string;
  trackers: string[];
  /** base URL of a Swarmhub tracker whose catalog gets the new torrent */
  publishTo?: string;
  title?: string;
  description?: string;
  category?: string;
  /** a list, or one comma-separated string */
  tags?: string[] | string;
  private?: boolean;
  comment?: string;
  pieceLength?: number;
}

/** Answer (201) to `POST /api/v1/create`. */
export interface CreateTorrentResponse {
  infoHash: string;
  magnet: string;
  transfer: Transfer;
  /** present when `publishTo` was given and the catalog took the torrent */
  published?: { url: string };
}

/** The `data` of each Server-Sent Event of `GET /api/v1/events`, by event name. */
export interface AgentEventData {
  transfer: Transfer;
  removed: { infoHash: string };
}

export type AgentEventName = keyof AgentEventData;

/** One event of `GET /api/v1/events`: `event: <event>` and `data: <JSON of data>`. */
export type AgentEvent = {
  [K in AgentEventName]: { event: K; data: AgentEventData[K] };
}[AgentEventName];
