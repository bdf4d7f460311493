import {
  appendQuery,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  parseHttpAnswer,
  parseTrackerUrl,
  percentEncodeBytes,
  type TrackerRequestOptions,
} from './announce.js';
import { decodeTrackerDict, get, getCount, isDict } from './bencode-response.js';
import { TrackerError } from './errors.js';
import { httpGet } from './http-get.js';

export interface ScrapeCounts {
  complete: number;
  incomplete: number;
  downloaded: number;
}

/**
 * BEP 48: the scrape URL exists only when the last path segment of the announce URL begins with
 * `announce`; that word is replaced by `scrape` and the rest (query included) is kept.
 */
export function scrapeUrlFor(announceUrl: string): URL {
  const url = parseTrackerUrl(announceUrl);
  const slash = url.pathname.lastIndexOf('/');
  const last = url.pathname.slice(slash + 1);
  if (!last.startsWith('announce')) {
    throw new TrackerError('SCRAPE_UNSUPPORTED', `${announceUrl} has no scrape URL (BEP 48)`);
  }
  url.pathname = `${url.pathname.slice(0, slash + 1)}scrape${last.slice('announce'.length)}`;
  return url;
}

/** Counts per torrent, keyed by lowercase hex info hash; torrents the tracker does not know are absent. */
export async function scrapeHttp(
  announceUrl: string,
  infoHashes: Buffer[],
  options: TrackerRequestOptions = {},
): Promise<Map<string, ScrapeCounts>> {
  const target = scrapeUrlFor(announceUrl);
  for (const h of infoHashes) {
    if (h.length !== 20) throw new TrackerError('BAD_URL', 'info hashes must be 20 bytes');
  }
  appendQuery(
    target,
    infoHashes.map((h) => ['info_hash', percentEncodeBytes(h)]),
  );
  const { status, body } = await httpGet(target, {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    signal: options.signal,
  });
  return parseHttpAnswer(status, body, parseScrapeResponse, `scrape answer from ${target.host}`);
}

export function parseScrapeResponse(
  body: Buffer,
  what = 'scrape answer',
): Map<string, ScrapeCounts> {
  const dict = decodeTrackerDict(body, what);
  const files = get(dict, 'files');
  if (!isDict(files)) throw new TrackerError('BAD_RESPONSE', `${what}: no files dictionary`);
  const result = new Map<string, ScrapeCounts>();
  for (const key of Object.keys(files)) {
    const entry = files[key];
    // Keys are the raw 20-byte info hashes, decoded as latin1 (one char per byte).
    if (key.length !== 20 || !isDict(entry)) continue;
    result.set(Buffer.from(key, 'latin1').toString('hex'), {
      complete: getCount(entry, 'complete') ?? 0,
      incomplete: getCount(entry, 'incomplete') ?? 0,
      downloaded: getCount(entry, 'downloaded') ?? 0,
    });
  }
  return result;
}
