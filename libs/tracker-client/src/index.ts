export {
  announceHttp,
  buildAnnounceUrl,
  parseAnnounceResponse,
  percentEncodeBytes,
  type AnnouncePeer,
  type AnnounceRequest,
  type AnnounceResponse,
  type TrackerRequestOptions,
} from './announce.js';
export {
  AnnounceScheduler,
  type AnnounceResult,
  type AnnounceSchedulerOptions,
  type TrackerStatus,
  type TransferTotals,
} from './announce-scheduler.js';
export { announce, scrape } from './client.js';
export { TrackerError, type TrackerErrorCode } from './errors.js';
export { parseScrapeResponse, scrapeHttp, scrapeUrlFor, type ScrapeCounts } from './scrape.js';
export { announceUdp, scrapeUdp, MAX_UDP_SCRAPE_HASHES } from './udp.js';
