export {
  announce,
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
export { TrackerError, type TrackerErrorCode } from './errors.js';
export { parseScrapeResponse, scrape, scrapeUrlFor, type ScrapeCounts } from './scrape.js';
