import {
  announceHttp,
  type AnnounceRequest,
  type AnnounceResponse,
  type TrackerRequestOptions,
} from './announce.js';
import { scrapeHttp, type ScrapeCounts } from './scrape.js';
import { announceUdp, scrapeUdp } from './udp.js';

function isUdp(url: string): boolean {
  return /^udp:\/\//i.test(url);
}

/** Announces over HTTP(S) (BEP 3) or UDP (BEP 15), after the tracker URL's scheme. */
export function announce(
  url: string,
  req: AnnounceRequest,
  options?: TrackerRequestOptions,
): Promise<AnnounceResponse> {
  return isUdp(url) ? announceUdp(url, req, options) : announceHttp(url, req, options);
}

/** Scrapes over HTTP(S) (BEP 48) or UDP (BEP 15); results keyed by lowercase hex info hash. */
export function scrape(
  url: string,
  infoHashes: Buffer[],
  options?: TrackerRequestOptions,
): Promise<Map<string, ScrapeCounts>> {
  return isUdp(url) ? scrapeUdp(url, infoHashes, options) : scrapeHttp(url, infoHashes, options);
}
