import type { Torrent } from './torrent.js';

export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export class DuplicateTorrentError extends Error {
  readonly code = 'DUPLICATE_TORRENT';
  constructor(readonly torrent: Torrent) {
    super(`torrent ${torrent.infoHash} is already in the session`);
    this.name = 'DuplicateTorrentError';
  }
}
