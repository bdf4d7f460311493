import { CliError } from './cli-error.js';

export interface PublishFields {
  title?: string;
  description?: string;
  category?: string;
  /** Comma-separated, as the catalog takes them. */
  tags?: string;
}

export type PublishResult =
  | { status: 'published'; url: string; infoHash: string }
  | { status: 'exists'; url: string; infoHash: string };

/** Normalises a tracker base URL such as `http://127.0.0.1:6969/` and refuses anything that is not http(s). */
export function trackerBaseUrl(value: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(
      `${flag} must be the tracker's base URL, such as http://127.0.0.1:6969, got "${value}"`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`${flag} must be an http or https URL, got "${value}"`);
  }
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

function messageOf(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'message' in body) {
    const message = (body as { message: unknown }).message;
    if (Array.isArray(message)) return message.map(String).join('; ');
    if (typeof message === 'string') return message;
  }
  return undefined;
}

/** Uploads a .torrent to the tracker catalog (`POST /api/v1/torrents`, multipart field `torrent`). */
export async function publishTorrent(
  apiBase: string,
  torrent: Buffer,
  fileName: string,
  fields: PublishFields,
): Promise<PublishResult> {
  const form = new FormData();
  form.append('torrent', new Blob([torrent], { type: 'application/x-bittorrent' }), fileName);
  for (const key of ['title', 'description', 'category', 'tags'] as const) {
    const value = fields[key];
    if (value !== undefined && value !== '') form.append(key, value);
  }
  const endpoint = `${apiBase}/api/v1/torrents`;
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      body: form,
      signal: AbortSignal.timeout(60_000),
    });
  } catch (err) {
    const cause =
      err instanceof Error
        ? ((err.cause as Error | undefined)?.message ?? err.message)
        : String(err);
    throw new CliError(`cannot reach the tracker at ${apiBase}: ${cause}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const message = messageOf(body) ?? text.slice(0, 200).trim();
  const record = (body ?? {}) as { infoHash?: unknown; existing?: unknown };
  if (response.status === 201 || response.status === 200) {
    const infoHash = typeof record.infoHash === 'string' ? record.infoHash : '';
    if (!/^[0-9a-f]{40}$/.test(infoHash))
      throw new CliError(
        `the tracker at ${apiBase} answered ${response.status} without an info hash`,
      );
    return { status: 'published', url: `${apiBase}/api/v1/torrents/${infoHash}`, infoHash };
  }
  if (response.status === 409) {
    const infoHash = typeof record.infoHash === 'string' ? record.infoHash : '';
    const existing =
      typeof record.existing === 'string' && record.existing.startsWith('/')
        ? record.existing
        : `/api/v1/torrents/${infoHash}`;
    return { status: 'exists', url: `${apiBase}${existing}`, infoHash };
  }
  if (response.status === 400)
    throw new CliError(`the tracker refused the torrent: ${message || 'bad request'}`);
  if (response.status === 413)
    throw new CliError(
      `the tracker refused the torrent as too large${message ? `: ${message}` : ''}`,
    );
  throw new CliError(
    `the tracker at ${apiBase} answered HTTP ${response.status}${message ? `: ${message}` : ''}`,
  );
}

export function formatPublishResult(result: PublishResult): string {
  return result.status === 'published'
    ? `published: ${result.url}\n`
    : `already in the catalog: ${result.url}\n`;
}
