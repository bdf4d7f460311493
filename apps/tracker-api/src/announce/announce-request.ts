import { RawQuery } from './raw-query.js';
import { TrackerFailure } from './tracker-failure.js';

export type AnnounceEvent = 'started' | 'stopped' | 'completed' | 'paused' | 'update';

export interface AnnounceRequest {
  infoHash: Buffer;
  peerId: Buffer;
  port: number;
  uploaded: number;
  downloaded: number;
  left: number;
  event: AnnounceEvent;
  compact: boolean;
  numwant: number;
  noPeerId: boolean;
  key: string | null;
  /** The `ip` parameter, honoured only when configured. */
  ip: string | null;
}

export const DEFAULT_NUMWANT = 50;
export const MAX_NUMWANT = 200;
const QUERY_LIMITS = { maxLength: 4096, maxParams: 32 };

function required20(query: RawQuery, name: string): Buffer {
  const values = query.all(name);
  if (values.length === 0) throw new TrackerFailure(`missing ${name}`);
  if (values.length > 1) throw new TrackerFailure(`${name} given more than once`);
  if (values[0].length !== 20) {
    throw new TrackerFailure(`${name} must be 20 bytes, got ${values[0].length}`);
  }
  return values[0];
}

function count(query: RawQuery, name: string, fallback?: number): number {
  const text = query.text(name);
  if (text === undefined || text === '') {
    if (fallback !== undefined) return fallback;
    throw new TrackerFailure(`missing ${name}`);
  }
  // Clients send byte counts that may exceed 2^53 in theory; anything that long is not real.
  if (!/^\d{1,16}$/.test(text)) throw new TrackerFailure(`${name} must be a non-negative integer`);
  return Number(text);
}

function eventOf(text: string | undefined): AnnounceEvent {
  switch (text) {
    case undefined:
    case '':
    case 'empty':
      return 'update';
    case 'started':
    case 'stopped':
    case 'completed':
    case 'paused':
      return text;
    default:
      throw new TrackerFailure('event must be started, stopped, completed, paused or empty');
  }
}

/** Validates an announce query string (the part after `?`), per BEP 3, 7, 21 and 23. */
export function parseAnnounceRequest(queryString: string): AnnounceRequest {
  const query = RawQuery.parse(queryString, QUERY_LIMITS);
  const infoHash = required20(query, 'info_hash');
  const peerId = required20(query, 'peer_id');
  const port = count(query, 'port');
  if (port < 1 || port > 65535) throw new TrackerFailure('port must be an integer from 1 to 65535');
  const key = query.text('key');
  if (key !== undefined && key.length > 64) throw new TrackerFailure('key is too long');
  return {
    infoHash,
    peerId,
    port,
    uploaded: count(query, 'uploaded'),
    downloaded: count(query, 'downloaded'),
    left: count(query, 'left'),
    event: eventOf(query.text('event')),
    compact: query.text('compact') !== '0',
    numwant: Math.min(count(query, 'numwant', DEFAULT_NUMWANT), MAX_NUMWANT),
    noPeerId: query.text('no_peer_id') === '1',
    key: key === undefined || key === '' ? null : key,
    ip: query.text('ip') ?? null,
  };
}

/** Info hashes of a scrape query (BEP 48). */
export function parseScrapeRequest(queryString: string, maxHashes: number): Buffer[] {
  const query = RawQuery.parse(queryString, {
    maxLength: maxHashes * 72 + 256,
    maxParams: maxHashes + 8,
  });
  const hashes = query.all('info_hash');
  if (hashes.length === 0) throw new TrackerFailure('scrape needs at least one info_hash');
  if (hashes.length > maxHashes)
    throw new TrackerFailure(`scrape takes at most ${maxHashes} info_hash values`);
  for (const hash of hashes) {
    if (hash.length !== 20)
      throw new TrackerFailure(`info_hash must be 20 bytes, got ${hash.length}`);
  }
  return hashes;
}
