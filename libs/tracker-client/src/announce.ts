import { isIP } from 'node:net';
import type { BValue } from '@swarmhub/bencode';
import { decodeTrackerDict, get, getCount, getText, isDict } from './bencode-response.js';
import { TrackerError } from './errors.js';
import { httpGet } from './http-get.js';

export interface AnnounceRequest {
  infoHash: Buffer;
  peerId: Buffer;
  port: number;
  uploaded: number;
  downloaded: number;
  left: number;
  event?: 'started' | 'completed' | 'stopped';
  numwant?: number;
  key?: string;
  trackerId?: string;
}

export interface AnnouncePeer {
  ip: string;
  port: number;
  peerId?: Buffer;
}

export interface AnnounceResponse {
  /** Seconds until the next regular announce. */
  interval: number;
  minInterval?: number;
  complete?: number;
  incomplete?: number;
  trackerId?: string;
  peers: AnnouncePeer[];
  warning?: string;
}

export interface TrackerRequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Largest answer accepted, in bytes. */
  maxResponseBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 2 << 20;
/** Used when a tracker omits `interval` (it is required by BEP 3, yet some leave it out). */
const FALLBACK_INTERVAL = 1800;

/** HTTP(S) announce (BEP 3); `announce` from the package index also speaks UDP. */
export async function announceHttp(
  url: string,
  req: AnnounceRequest,
  options: TrackerRequestOptions = {},
): Promise<AnnounceResponse> {
  const target = buildAnnounceUrl(url, req);
  const { status, body } = await httpGet(target, {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    signal: options.signal,
  });
  return parseHttpAnswer(
    status,
    body,
    parseAnnounceResponse,
    `announce answer from ${target.host}`,
  );
}

/**
 * Some trackers send their bencoded `failure reason` with a 4xx status: that reason is the more
 * useful error, so a non-2xx body is tried as bencode before falling back to the status.
 */
export function parseHttpAnswer<T>(
  status: number,
  body: Buffer,
  parse: (body: Buffer, what: string) => T,
  what: string,
): T {
  if (status >= 200 && status < 300) return parse(body, what);
  try {
    parse(body, what);
  } catch (err) {
    if (err instanceof TrackerError && err.code === 'FAILURE') throw err;
  }
  throw new TrackerError('HTTP_STATUS', `${what}: HTTP ${status}`);
}

export function parseTrackerUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new TrackerError('BAD_URL', `not a URL: ${url}`, { cause: err });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TrackerError('UNSUPPORTED_PROTOCOL', `${parsed.protocol} trackers are not supported`);
  }
  parsed.hash = '';
  return parsed;
}

/** BEP 3 query: binary values percent-encoded byte by byte, appended to any query already there (passkeys). */
export function buildAnnounceUrl(url: string, req: AnnounceRequest): URL {
  const target = parseTrackerUrl(url);
  if (req.infoHash.length !== 20 || req.peerId.length !== 20) {
    throw new TrackerError('BAD_URL', 'info hash and peer id must be 20 bytes');
  }
  const params: Array<[string, string]> = [
    ['info_hash', percentEncodeBytes(req.infoHash)],
    ['peer_id', percentEncodeBytes(req.peerId)],
    ['port', String(req.port)],
    ['uploaded', String(req.uploaded)],
    ['downloaded', String(req.downloaded)],
    ['left', String(req.left)],
    ['compact', '1'],
  ];
  if (req.event) params.push(['event', req.event]);
  if (req.numwant !== undefined) params.push(['numwant', String(req.numwant)]);
  if (req.key !== undefined) params.push(['key', percentEncodeBytes(Buffer.from(req.key))]);
  if (req.trackerId !== undefined) {
    params.push(['trackerid', percentEncodeBytes(Buffer.from(req.trackerId, 'latin1'))]);
  }
  appendQuery(target, params);
  return target;
}

export function appendQuery(target: URL, params: Array<[string, string]>): void {
  const extra = params.map(([k, v]) => `${k}=${v}`).join('&');
  const existing = target.search.replace(/^\?/, '');
  target.search = existing ? `${existing}&${extra}` : extra;
}

/** RFC 3986 unreserved characters stay, every other byte becomes %XX. */
export function percentEncodeBytes(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    const unreserved =
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      byte === 0x2d ||
      byte === 0x2e ||
      byte === 0x5f ||
      byte === 0x7e;
    out += unreserved
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function parseAnnounceResponse(body: Buffer, what = 'announce answer'): AnnounceResponse {
  const dict = decodeTrackerDict(body, what);
  const rawInterval = get(dict, 'interval');
  let interval = FALLBACK_INTERVAL;
  if (rawInterval !== undefined) {
    const value = getCount(dict, 'interval');
    if (value === undefined) throw new TrackerError('BAD_RESPONSE', `${what}: bad interval`);
    interval = value;
  }
  const peers = [
    ...parsePeers(get(dict, 'peers'), what),
    ...parsePeers6(get(dict, 'peers6'), what),
  ];
  const response: AnnounceResponse = { interval, peers };
  const minInterval = getCount(dict, 'min interval');
  if (minInterval !== undefined) response.minInterval = minInterval;
  const complete = getCount(dict, 'complete');
  if (complete !== undefined) response.complete = complete;
  const incomplete = getCount(dict, 'incomplete');
  if (incomplete !== undefined) response.incomplete = incomplete;
  const trackerId = get(dict, 'tracker id');
  // Kept as latin1 so the exact bytes go back to the tracker.
  if (Buffer.isBuffer(trackerId)) response.trackerId = trackerId.toString('latin1');
  const warning = getText(dict, 'warning message');
  if (warning !== undefined) response.warning = warning.slice(0, 1000);
  return response;
}

function parsePeers(value: BValue | undefined, what: string): AnnouncePeer[] {
  if (value === undefined) return [];
  if (Buffer.isBuffer(value)) {
    // BEP 23: 4 bytes of IPv4 address and 2 of port, big-endian, per peer.
    if (value.length % 6 !== 0) {
      throw new TrackerError(
        'BAD_RESPONSE',
        `${what}: compact peers length ${value.length} is not a multiple of 6`,
      );
    }
    const peers: AnnouncePeer[] = [];
    for (let i = 0; i < value.length; i += 6) {
      const port = value.readUInt16BE(i + 4);
      if (port === 0) continue;
      peers.push({ ip: `${value[i]}.${value[i + 1]}.${value[i + 2]}.${value[i + 3]}`, port });
    }
    return peers;
  }
  if (Array.isArray(value)) {
    // BEP 3 dictionary model; entries that are not usable addresses are skipped, not fatal.
    const peers: AnnouncePeer[] = [];
    for (const entry of value) {
      if (!isDict(entry)) continue;
      const ip = getText(entry, 'ip');
      const port = getCount(entry, 'port');
      if (ip === undefined || isIP(ip) === 0 || port === undefined || port === 0 || port > 65535)
        continue;
      const peer: AnnouncePeer = { ip, port };
      const id = get(entry, 'peer id');
      if (Buffer.isBuffer(id) && id.length === 20) peer.peerId = Buffer.from(id);
      peers.push(peer);
    }
    return peers;
  }
  throw new TrackerError('BAD_RESPONSE', `${what}: peers is neither a string nor a list`);
}

function parsePeers6(value: BValue | undefined, what: string): AnnouncePeer[] {
  if (value === undefined) return [];
  // BEP 7: 16 bytes of IPv6 address and 2 of port per peer.
  if (!Buffer.isBuffer(value) || value.length % 18 !== 0) {
    throw new TrackerError('BAD_RESPONSE', `${what}: peers6 is not a multiple of 18 bytes`);
  }
  const peers: AnnouncePeer[] = [];
  for (let i = 0; i < value.length; i += 18) {
    const port = value.readUInt16BE(i + 16);
    if (port === 0) continue;
    peers.push({ ip: formatIPv6(value.subarray(i, i + 16)), port });
  }
  return peers;
}

/** RFC 5952 text form (the longest run of zero groups as `::`), IPv4-mapped kept as hex. */
export function formatIPv6(bytes: Buffer): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}
