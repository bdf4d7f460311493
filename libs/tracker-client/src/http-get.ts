import http from 'node:http';
import https from 'node:https';
import { TrackerError } from './errors.js';

export interface HttpGetOptions {
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
  maxRedirects?: number;
}

export interface HttpGetResult {
  status: number;
  body: Buffer;
}

const USER_AGENT = 'Swarmhub/0.1';

/**
 * One GET with a deadline covering connect, headers and body, and a cap on the body size. A
 * fresh connection each time: announces are minutes apart, and a pooled socket would keep tests
 * and short-lived CLI runs alive.
 */
export async function httpGet(url: URL, options: HttpGetOptions): Promise<HttpGetResult> {
  const deadline = Date.now() + options.timeoutMs;
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const result = await getOnce(current, options, deadline - Date.now());
    if (!('location' in result)) return result;
    if (redirects >= (options.maxRedirects ?? 3)) {
      throw new TrackerError('HTTP_STATUS', `too many redirects from ${url.origin}`);
    }
    let next: URL;
    try {
      next = new URL(result.location, current);
    } catch (err) {
      throw new TrackerError('BAD_RESPONSE', `bad redirect location ${result.location}`, {
        cause: err,
      });
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new TrackerError('UNSUPPORTED_PROTOCOL', `redirect to ${next.protocol} refused`);
    }
    current = next;
  }
}

function getOnce(
  url: URL,
  options: HttpGetOptions,
  remainingMs: number,
): Promise<HttpGetResult | { location: string }> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new TrackerError('ABORTED', 'announce aborted'));
      return;
    }
    if (remainingMs <= 0) {
      reject(
        new TrackerError('TIMEOUT', `no answer from ${url.host} within ${options.timeoutMs} ms`),
      );
      return;
    }
    const client = url.protocol === 'https:' ? https : http;
    let settled = false;
    const finish = (err: TrackerError | null, value?: HttpGetResult | { location: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(value!);
    };
    const onAbort = () => finish(new TrackerError('ABORTED', 'announce aborted'));
    const timer = setTimeout(
      () =>
        finish(
          new TrackerError('TIMEOUT', `no answer from ${url.host} within ${options.timeoutMs} ms`),
        ),
      remainingMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const req = client.get(
      url,
      { agent: false, headers: { 'user-agent': USER_AGENT, 'accept-encoding': 'identity' } },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          finish(null, { location: res.headers.location });
          return;
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > options.maxBytes) {
          finish(tooLarge(url, options.maxBytes));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) finish(tooLarge(url, options.maxBytes));
          else chunks.push(chunk);
        });
        res.on('end', () => finish(null, { status, body: Buffer.concat(chunks, size) }));
        res.on('error', (err) => finish(networkError(url, err)));
        res.on('aborted', () =>
          finish(networkError(url, new Error('connection closed mid-answer'))),
        );
      },
    );
    req.on('error', (err) => finish(networkError(url, err)));
  });
}

function tooLarge(url: URL, maxBytes: number): TrackerError {
  return new TrackerError('TOO_LARGE', `answer from ${url.host} is larger than ${maxBytes} bytes`);
}

function networkError(url: URL, err: Error): TrackerError {
  return new TrackerError('NETWORK', `${url.host}: ${err.message}`, { cause: err });
}
