// The one typed client of the tracker's catalog API (docs/interfaces.md, "Tracker catalog API").
// It runs on the web server only: the tracker's address is configuration, not something the
// browser needs to know.

import type {
  CatalogQuery,
  CategoryList,
  CompletionBucket,
  CompletionSeries,
  TorrentDetail,
  TorrentPage,
} from '@swarmhub/api-types';

export type TrackerApiErrorCode =
  'UNREACHABLE' | 'TIMEOUT' | 'NOT_FOUND' | 'DUPLICATE' | 'REJECTED' | 'BAD_RESPONSE';

export class TrackerApiError extends Error {
  constructor(
    readonly code: TrackerApiErrorCode,
    message: string,
    readonly status?: number,
    /** For DUPLICATE: the info hash of the torrent already in the catalog. */
    readonly existingInfoHash?: string,
  ) {
    super(message);
    this.name = 'TrackerApiError';
  }
}

const READ_TIMEOUT_MS = 5_000;
const UPLOAD_TIMEOUT_MS = 30_000;
const INFO_HASH = /^[0-9a-f]{40}$/;

export function trackerBaseUrl(): string {
  return stripTrailingSlash(process.env.TRACKER_API_URL || 'http://127.0.0.1:6969');
}

/** The tracker's address as other machines (the user's agent) reach it. */
export function trackerPublicUrl(): string {
  return stripTrailingSlash(process.env.TRACKER_PUBLIC_URL || trackerBaseUrl());
}

export function isInfoHash(value: string): boolean {
  return INFO_HASH.test(value);
}

/** The absolute .torrent address that the user's agent fetches. */
export function publicTorrentFileUrl(
  detail: Pick<TorrentDetail, 'infoHash' | 'torrentUrl'>,
): string {
  const path = detail.torrentUrl || `/api/v1/torrents/${detail.infoHash}/torrent`;
  return new URL(path, trackerPublicUrl() + '/').toString();
}

export async function listTorrents(query: CatalogQuery = {}): Promise<TorrentPage> {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.category) params.set('category', query.category);
  if (query.sort) params.set('sort', query.sort);
  if (query.order) params.set('order', query.order);
  if (query.page) params.set('page', String(query.page));
  if (query.pageSize) params.set('pageSize', String(query.pageSize));
  const qs = params.toString();
  return requestJson<TorrentPage>(`/api/v1/torrents${qs ? `?${qs}` : ''}`);
}

/** Null when the catalog has no such torrent. */
export async function getTorrent(infoHash: string): Promise<TorrentDetail | null> {
  if (!isInfoHash(infoHash)) return null;
  try {
    return await requestJson<TorrentDetail>(`/api/v1/torrents/${infoHash}`);
  } catch (error) {
    if (error instanceof TrackerApiError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

export async function getCompletions(
  infoHash: string,
  bucket: CompletionBucket,
): Promise<CompletionSeries> {
  return requestJson<CompletionSeries>(`/api/v1/torrents/${infoHash}/completions?bucket=${bucket}`);
}

export async function getCategories(): Promise<string[]> {
  const body = await requestJson<CategoryList>('/api/v1/categories');
  return Array.isArray(body.categories) ? body.categories : [];
}

/** Forwards an upload form (field `torrent` plus title, description, category, tags). */
export async function uploadTorrent(form: FormData): Promise<TorrentDetail> {
  return requestJson<TorrentDetail>(
    '/api/v1/torrents',
    { method: 'POST', body: form },
    UPLOAD_TIMEOUT_MS,
  );
}

/** The raw .torrent response, streamed through to the browser by a route handler. */
export async function fetchTorrentFile(infoHash: string): Promise<Response> {
  return request(`/api/v1/torrents/${infoHash}/torrent`, {}, READ_TIMEOUT_MS);
}

async function request(path: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  const url = trackerBaseUrl() + path;
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      cache: 'no-store',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      throw new TrackerApiError(
        'TIMEOUT',
        `The tracker at ${trackerBaseUrl()} did not answer within ${timeoutMs / 1000} s.`,
      );
    }
    throw new TrackerApiError(
      'UNREACHABLE',
      `The tracker at ${trackerBaseUrl()} cannot be reached.`,
    );
  }
  if (response.ok) return response;
  const body = await readErrorBody(response);
  const message = errorMessage(body.message) ?? `The tracker answered HTTP ${response.status}.`;
  if (response.status === 404) throw new TrackerApiError('NOT_FOUND', message, 404);
  if (response.status === 409) {
    const existing =
      typeof body.infoHash === 'string' && isInfoHash(body.infoHash) ? body.infoHash : undefined;
    throw new TrackerApiError('DUPLICATE', message, 409, existing);
  }
  throw new TrackerApiError('REJECTED', message, response.status);
}

async function requestJson<T>(
  path: string,
  init: RequestInit = {},
  timeoutMs = READ_TIMEOUT_MS,
): Promise<T> {
  const response = await request(path, init, timeoutMs);
  try {
    return (await response.json()) as T;
  } catch {
    throw new TrackerApiError(
      'BAD_RESPONSE',
      `The tracker sent a response that is not JSON for ${path}.`,
      response.status,
    );
  }
}

async function readErrorBody(response: Response): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await response.json();
    if (body && typeof body === 'object') return body as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's HTML error page, say): the status alone has to do.
  }
  return {};
}

// Nest's validation errors carry a list of messages; everything else carries one.
function errorMessage(value: unknown): string | undefined {
  if (typeof value === 'string' && value) return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string') && value.length > 0)
    return value.join('; ');
  return undefined;
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
