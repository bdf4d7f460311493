import { TrackerFailure } from './tracker-failure.js';

export interface RawQueryLimits {
  maxLength: number;
  maxParams: number;
}

/**
 * Splits a query string within the limits: `visit` gets each parameter's key (percent-decoded,
 * as latin1) and its raw value (still percent-encoded), in order.
 */
export function forEachParam(
  query: string,
  limits: RawQueryLimits,
  visit: (key: string, rawValue: string) => void,
): void {
  if (query.length > limits.maxLength) {
    throw new TrackerFailure(`query string is longer than ${limits.maxLength} characters`);
  }
  let count = 0;
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end === -1) end = query.length;
    if (end > start) {
      if (++count > limits.maxParams) {
        throw new TrackerFailure(`query string has more than ${limits.maxParams} parameters`);
      }
      const eq = query.indexOf('=', start);
      const hasValue = eq !== -1 && eq < end;
      const rawKey = query.slice(start, hasValue ? eq : end);
      visit(
        needsDecoding(rawKey) ? percentDecode(rawKey, rawKey).toString('latin1') : rawKey,
        hasValue ? query.slice(eq + 1, end) : '',
      );
    }
    start = end + 1;
  }
}

/**
 * Parameters of a tracker query string with values as raw bytes. `info_hash` and `peer_id` are
 * arbitrary binary percent-encoded, so they must never go through a UTF-8 decoder.
 */
export class RawQuery {
  private constructor(private readonly params: Map<string, string[]>) {}

  /**
   * Splits the query; values stay as the raw text and are percent-decoded only when read, since
   * an announce reads a few of them and most are plain digits.
   */
  static parse(query: string, limits: RawQueryLimits): RawQuery {
    const params = new Map<string, string[]>();
    forEachParam(query, limits, (key, value) => {
      const list = params.get(key);
      if (list === undefined) params.set(key, [value]);
      else list.push(value);
    });
    return new RawQuery(params);
  }

  /** All values of a parameter, as bytes. */
  all(name: string): Buffer[] {
    return (this.params.get(name) ?? []).map((v) => percentDecode(v, name));
  }

  bytes(name: string): Buffer | undefined {
    const raw = this.params.get(name)?.[0];
    return raw === undefined ? undefined : percentDecode(raw, name);
  }

  text(name: string): string | undefined {
    const raw = this.params.get(name)?.[0];
    if (raw === undefined || !needsDecoding(raw)) return raw;
    return percentDecode(raw, name).toString('latin1');
  }
}

export function needsDecoding(text: string): boolean {
  return text.indexOf('%') !== -1 || text.indexOf('+') !== -1;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** application/x-www-form-urlencoded bytes: `%XX` is one byte, `+` a space. */
export function percentDecode(text: string, name: string): Buffer {
  if (text.indexOf('%') === -1 && text.indexOf('+') === -1) return Buffer.from(text, 'latin1');
  const out = Buffer.allocUnsafe(text.length);
  return out.subarray(0, percentDecodeInto(text, name, out));
}

/**
 * Decodes like percentDecode into `out` (at least `text.length` bytes) and returns the byte
 * count: no Buffer is made per value, for the announce hot path.
 */
export function percentDecodeInto(text: string, name: string, out: Buffer): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 37) {
      const hi = i + 2 < text.length ? hexValue(text.charCodeAt(i + 1)) : -1;
      const lo = hi === -1 ? -1 : hexValue(text.charCodeAt(i + 2));
      if (lo === -1) throw new TrackerFailure(`malformed percent-encoding in ${name}`);
      out[n++] = hi * 16 + lo;
      i += 2;
    } else if (c === 43) out[n++] = 32;
    else if (c > 255) throw new TrackerFailure(`non-ASCII character in ${name}`);
    else out[n++] = c;
  }
  return n;
}
