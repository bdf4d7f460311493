import {
  forEachParam,
  needsDecoding,
  percentDecode,
  percentDecodeInto,
  RawQuery,
} from './raw-query.js';
import { TrackerFailure } from './tracker-failure.js';

export type AnnounceEvent = 'started' | 'stopped' | 'completed' | 'paused' | 'update';

export interface AnnounceRequest {
  /** The 20 info hash bytes as 40 lowercase hex digits (the swarm's key). */
  infoHash: string;
  /** The 20 raw peer id bytes as a latin1 string. */
  peerId: string;
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
const MAX_QUERY_LENGTH = 4096;
const LIMITS = { maxLength: MAX_QUERY_LENGTH, maxParams: 32 };

/** Where info_hash and peer_id are decoded; a value never outgrows the query's length limit. */
const scratch = Buffer.allocUnsafeSlow(MAX_QUERY_LENGTH);

/**
 * The raw (still percent-encoded) first value of each parameter an announce reads. Parsed in
 * one pass into fixed fields rather than a map of arrays: this runs for every announce.
 */
class AnnounceParams {
  infoHash: string | undefined = undefined;
  infoHashCount = 0;
  peerId: string | undefined = undefined;
  peerIdCount = 0;
  port: string | undefined = undefined;
  uploaded: string | undefined = undefined;
  downloaded: string | undefined = undefined;
  left: string | undefined = undefined;
  event: string | undefined = undefined;
  compact: string | undefined = undefined;
  numwant: string | undefined = undefined;
  noPeerId: string | undefined = undefined;
  key: string | undefined = undefined;
  ip: string | undefined = undefined;

  constructor(query: string) {
    forEachParam(query, LIMITS, (key, value) => this.set(key, value));
  }

  private set(key: string, value: string): void {
    // The first value counts, as with any form decoder; info_hash and peer_id must be unique.
    switch (key) {
      case 'info_hash':
        if (this.infoHashCount++ === 0) this.infoHash = value;
        break;
      case 'peer_id':
        if (this.peerIdCount++ === 0) this.peerId = value;
        break;
      case 'port':
        this.port ??= value;
        break;
      case 'uploaded':
        this.uploaded ??= value;
        break;
      case 'downloaded':
        this.downloaded ??= value;
        break;
      case 'left':
        this.left ??= value;
        break;
      case 'event':
        this.event ??= value;
        break;
      case 'compact':
        this.compact ??= value;
        break;
      case 'numwant':
        this.numwant ??= value;
        break;
      case 'no_peer_id':
        this.noPeerId ??= value;
        break;
      case 'key':
        this.key ??= value;
        break;
      case 'ip':
        this.ip ??= value;
        break;
    }
  }
}

/** A parameter value as text (latin1 of its bytes). */
function text(raw: string | undefined, name: string): string | undefined {
  if (raw === undefined || !needsDecoding(raw)) return raw;
  return percentDecode(raw, name).toString('latin1');
}

/** Decodes a 20-byte parameter into `scratch`. */
function decode20(raw: string | undefined, count: number, name: string): void {
  if (raw === undefined) throw new TrackerFailure(`missing ${name}`);
  if (count > 1) throw new TrackerFailure(`${name} given more than once`);
  const length = percentDecodeInto(raw, name, scratch);
  if (length !== 20) throw new TrackerFailure(`${name} must be 20 bytes, got ${length}`);
}

function isDigits(value: string): boolean {
  if (value.length === 0 || value.length > 16) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function count(raw: string | undefined, name: string, fallback?: number): number {
  const value = text(raw, name);
  if (value === undefined || value === '') {
    if (fallback !== undefined) return fallback;
    throw new TrackerFailure(`missing ${name}`);
  }
  // Clients send byte counts that may exceed 2^53 in theory; anything that long is not real.
  if (!isDigits(value)) throw new TrackerFailure(`${name} must be a non-negative integer`);
  return Number(value);
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
  const params = new AnnounceParams(queryString);
  decode20(params.infoHash, params.infoHashCount, 'info_hash');
  const infoHash = scratch.toString('hex', 0, 20);
  decode20(params.peerId, params.peerIdCount, 'peer_id');
  const peerId = scratch.toString('latin1', 0, 20);
  const port = count(params.port, 'port');
  if (port < 1 || port > 65535) throw new TrackerFailure('port must be an integer from 1 to 65535');
  const key = text(params.key, 'key');
  if (key !== undefined && key.length > 64) throw new TrackerFailure('key is too long');
  return {
    infoHash,
    peerId,
    port,
    uploaded: count(params.uploaded, 'uploaded'),
    downloaded: count(params.downloaded, 'downloaded'),
    left: count(params.left, 'left'),
    event: eventOf(text(params.event, 'event')),
    compact: text(params.compact, 'compact') !== '0',
    numwant: Math.min(count(params.numwant, 'numwant', DEFAULT_NUMWANT), MAX_NUMWANT),
    noPeerId: text(params.noPeerId, 'no_peer_id') === '1',
    key: key === undefined || key === '' ? null : key,
    ip: text(params.ip, 'ip') ?? null,
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
