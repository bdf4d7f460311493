import { AgentError } from '../agent-error.js';

export const MAX_TORRENT_FILE_BYTES = 10 * 1024 * 1024;
export const FETCH_TIMEOUT_MS = 15_000;

/**
 * Downloads a .torrent (the catalog's /api/v1/torrents/<h>/torrent) with a size limit and a
 * timeout, so a slow or endless server cannot hold the agent or fill its memory.
 */
export async function fetchTorrentFile(
  url: string,
  options: { maxBytes?: number; timeoutMs?: number } = {},
): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? MAX_TORRENT_FILE_BYTES;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AgentError('BAD_INPUT', `url ${JSON.stringify(url)} is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AgentError('BAD_INPUT', 'url must be an http or https address of a .torrent file');
  }
  const signal = AbortSignal.timeout(options.timeoutMs ?? FETCH_TIMEOUT_MS);
  try {
    const response = await fetch(parsed, { signal, redirect: 'follow' });
    if (!response.ok) {
      throw new AgentError(
        'FETCH_FAILED',
        `fetching ${url} failed: HTTP ${response.status} ${response.statusText}`,
      );
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel();
      throw tooLarge(url, maxBytes);
    }
    if (!response.body) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    let total = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw tooLarge(url, maxBytes);
      }
      chunks.push(Buffer.from(value));
    }
    return Buffer.concat(chunks);
  } catch (err) {
    if (err instanceof AgentError) throw err;
    if (signal.aborted) throw new AgentError('FETCH_FAILED', `fetching ${url} timed out`);
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    throw new AgentError(
      'FETCH_FAILED',
      `fetching ${url} failed: ${cause ?? (err as Error).message}`,
    );
  }
}

function tooLarge(url: string, maxBytes: number): AgentError {
  return new AgentError(
    'TOO_LARGE',
    `${url} is larger than ${maxBytes} bytes; not a .torrent file`,
  );
}
