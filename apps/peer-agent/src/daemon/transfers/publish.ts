import type { Metainfo } from '@swarmhub/metainfo';
import type { CreateTorrentRequest } from '@swarmhub/api-types';
import { AgentError } from '../agent-error.js';

const PUBLISH_TIMEOUT_MS = 30_000;

/**
 * Uploads a .torrent to a tracker's catalog (POST /api/v1/torrents, multipart). Already being
 * there (409) counts as published: the catalog keeps one entry per info hash.
 */
export async function publishToCatalog(
  trackerBase: string,
  torrent: Buffer,
  metainfo: Metainfo,
  request: Pick<CreateTorrentRequest, 'title' | 'description' | 'category' | 'tags'>,
): Promise<{ url: string }> {
  let base: URL;
  try {
    base = new URL(trackerBase);
  } catch {
    throw new AgentError('BAD_INPUT', `publishTo ${JSON.stringify(trackerBase)} is not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new AgentError(
      'BAD_INPUT',
      'publishTo must be the http(s) address of a Swarmhub tracker',
    );
  }
  const endpoint = new URL('/api/v1/torrents', base);
  const form = new FormData();
  form.append(
    'torrent',
    new Blob([new Uint8Array(torrent)], { type: 'application/x-bittorrent' }),
    `${metainfo.name}.torrent`,
  );
  form.append('title', request.title ?? metainfo.name);
  if (request.description !== undefined) form.append('description', request.description);
  if (request.category !== undefined) form.append('category', request.category);
  const tags = Array.isArray(request.tags) ? request.tags.join(',') : request.tags;
  if (tags !== undefined && tags !== '') form.append('tags', tags);

  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      body: form,
      signal: AbortSignal.timeout(PUBLISH_TIMEOUT_MS),
    });
  } catch (err) {
    const cause =
      (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new AgentError(
      'PUBLISH_FAILED',
      `the torrent is seeding, but publishing to ${endpoint} failed: ${cause}`,
    );
  }
  const body = (await response.json().catch(() => null)) as {
    message?: unknown;
    existing?: unknown;
  } | null;
  const own = new URL(`/api/v1/torrents/${metainfo.infoHash}`, base).toString();
  if (response.status === 201) return { url: own };
  if (response.status === 409) {
    return {
      url: typeof body?.existing === 'string' ? new URL(body.existing, base).toString() : own,
    };
  }
  const reason = typeof body?.message === 'string' ? body.message : `HTTP ${response.status}`;
  throw new AgentError(
    'PUBLISH_FAILED',
    `the torrent is seeding, but the catalog refused it: ${reason}`,
  );
}
