// The JSON shapes of the tracker's catalog API (docs/interfaces.md, "Tracker catalog API"), as
// its consumers (the web app, the agent publishing a new torrent) read them.

import type { ApiErrorBody } from './errors.js';

export interface TorrentSummary {
  /** 40 lowercase hex */
  infoHash: string;
  title: string;
  name: string;
  category: string | null;
  tags: string[];
  /** bytes */
  totalSize: number;
  pieceLength: number;
  pieceCount: number;
  fileCount: number;
  private: boolean;
  /** ISO 8601 */
  uploadedAt: string;
  seeders: number;
  leechers: number;
  completed: number;
}

export interface CatalogFile {
  /** `/`-separated, relative to the torrent's root */
  path: string;
  size: number;
}

export interface TorrentDetail extends TorrentSummary {
  description: string | null;
  createdBy: string | null;
  comment: string | null;
  /** ISO 8601 */
  creationDate: string | null;
  files: CatalogFile[];
  magnet: string;
  /** an absolute path on the tracker: /api/v1/torrents/<infoHash>/torrent */
  torrentUrl: string;
}

export type CatalogSortField = 'uploaded' | 'seeders' | 'leechers' | 'completed' | 'size' | 'name';

export type SortOrder = 'asc' | 'desc';

/** Query parameters of `GET /api/v1/torrents`. */
export interface CatalogQuery {
  q?: string;
  category?: string;
  sort?: CatalogSortField;
  order?: SortOrder;
  /** from 1 */
  page?: number;
  pageSize?: number;
}

/** `GET /api/v1/torrents` */
export interface TorrentPage {
  items: TorrentSummary[];
  total: number;
  page: number;
  pageSize: number;
}

/** `GET /api/v1/torrents/:infoHash/magnet` */
export interface MagnetResponse {
  magnet: string;
}

export type CompletionBucket = 'hour' | 'day';

/** `GET /api/v1/torrents/:infoHash/completions?bucket=hour|day` */
export interface CompletionSeries {
  bucket: CompletionBucket;
  /** `at` is the ISO 8601 start of the bucket */
  points: { at: string; count: number }[];
}

/** `GET /api/v1/categories` */
export interface CategoryList {
  categories: string[];
}

/** `GET /api/v1/stats` */
export interface TrackerStats {
  torrents: number;
  peers: number;
  seeders: number;
  leechers: number;
  completions: number;
}

/** The 409 answer to `POST /api/v1/torrents` when the catalog already has that info hash. */
export interface DuplicateTorrentBody extends ApiErrorBody {
  statusCode: 409;
  infoHash: string;
  /** path of the existing entry: /api/v1/torrents/<infoHash> */
  existing: string;
}
