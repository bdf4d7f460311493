export { Session, type AddTorrentInput } from './session.js';
export { Torrent, type TorrentInput } from './torrent.js';
export { DuplicateTorrentError, EngineError } from './errors.js';
export { PeerConnection, type BlockRef, type PeerConnectionOptions } from './peer-connection.js';
export { Choker, type ChokeCandidate, type ChokerOptions } from './choker.js';
export { TokenBucket } from './rate-limiter.js';
export { RateMeter } from './rate-meter.js';
export { MetadataFetcher } from './metadata-fetcher.js';
export { generatePeerId, PEER_ID_PREFIX } from './peer-id.js';
export { torrentFileBytes } from './torrent-file.js';
export * from './storage/index.js';
export * from './resume/index.js';
export type {
  SessionOptions,
  SessionLimits,
  TorrentLimits,
  TorrentState,
  TorrentStats,
  PeerInfo,
  TrackerInfo,
  FileInfo,
} from './types.js';
