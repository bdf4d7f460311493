/**
 * One file of a torrent. `path` always begins with the torrent's (sanitised) name: a single-file
 * torrent's only file is `[name]`, a multi-file torrent's are `[name, dir..., file]`, so
 * `resolveFilePath(saveDir, file)` gives the same layout other clients use.
 */
export interface TorrentFile {
  path: string[];
  length: number;
  /** Byte offset of the file's first byte in the torrent's concatenated data. */
  offset: number;
  /**
   * A BEP 47 padding file (`attr` holds 'p'): zeros that start the next file on a piece boundary.
   * Its bytes count in the piece hashes and the total length, but it is no file of the user's:
   * clients neither write it to disk nor list it.
   */
  padding: boolean;
}

export interface Metainfo {
  /** 40 lowercase hex: SHA-1 of the info dictionary's bytes as they stand in the file. */
  infoHash: string;
  infoHashBytes: Buffer;
  /** The raw info dictionary bytes. */
  info: Buffer;
  name: string;
  pieceLength: number;
  pieceCount: number;
  /** Concatenated 20-byte SHA-1s. */
  pieceHashes: Buffer;
  files: TorrentFile[];
  totalLength: number;
  isMultiFile: boolean;
  private: boolean;
  announce?: string;
  /** BEP 12 tiers; [[announce]] when there is no list. */
  announceList: string[][];
  urlList: string[];
  comment?: string;
  createdBy?: string;
  creationDate?: Date;
}

export interface Magnet {
  infoHash: string;
  infoHashBytes: Buffer;
  displayName?: string;
  trackers: string[];
  webSeeds: string[];
  exactLength?: number;
}

export interface CreateTorrentOptions {
  /** A flat list puts each tracker in its own tier (tried in order); nested arrays are BEP 12 tiers. */
  trackers?: string[][] | string[];
  pieceLength?: number;
  private?: boolean;
  comment?: string;
  createdBy?: string;
  urlList?: string[];
  onProgress?: (hashedBytes: number, totalBytes: number) => void;
}
