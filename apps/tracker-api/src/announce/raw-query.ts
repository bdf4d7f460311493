import { TrackerFailure } from './tracker-failure.js';

export interface RawQueryLimits {
  maxLength: number;
  maxParams: number;
}

/**
 * Parameters of a tracker query string with values as raw bytes. `info_hash` and `peer_id` are
 * arbitrary binary percent-encoded, so they must never go through a UTF-8 decoder.
 */
export class RawQuery {
  private constructor(private readonly params: Map<string, Buffer[]>) {}

  static parse(query: string, limits: RawQueryLimits): RawQuery {
    if (query.length > limits.maxLength) {
      throw new TrackerFailure(`query string is longer than ${limits.maxLength} characters`);
    }
    const params = new Map<string, Buffer[]>();
    let count = 0;
    for (const part of query.split('&')) {
      if (part === '') continue;
      if (++count > limits.maxParams) {
        throw new TrackerFailure(`query string has more than ${limits.maxParams} parameters`);
      }
      const eq = part.indexOf('=');
      const rawKey = eq === -1 ? part : part.slice(0, eq);
      const key = percentDecode(rawKey, rawKey).toString('latin1');
      const value = percentDecode(eq === -1 ? '' : part.slice(eq + 1), key);
      const list = params.get(key);
      if (list === undefined) params.set(key, [value]);
      else list.push(value);
    }
    return new RawQuery(params);
  }

  /** All values of a parameter, as bytes. */
  all(name: string): Buffer[] {
    return this.params.get(name) ?? [];
  }

  bytes(name: string): Buffer | undefined {
    return this.params.get(name)?.[0];
  }

  text(name: string): string | undefined {
    return this.params.get(name)?.[0]?.toString('latin1');
  }
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
  return out.subarray(0, n);
}
