export type { TorrentFile, Metainfo, Magnet, CreateTorrentOptions } from './types.js';
export { MetainfoError } from './errors.js';
export {
  parseMetainfo,
  parseInfoDictionary,
  pieceHash,
  pieceSize,
  DEFAULT_MAX_TORRENT_SIZE,
  MAX_PIECE_LENGTH,
} from './parse.js';
export { resolveFilePath, sanitizeComponent } from './file-path.js';
export { parseMagnet, formatMagnet, magnetFromMetainfo } from './magnet.js';
export { createTorrent, autoPieceLength, DEFAULT_CREATED_BY } from './create.js';
