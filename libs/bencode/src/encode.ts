import { BencodeError } from './errors.js';
/**
 * What `encode` takes: bencode values (see BValue), plus strings (written as UTF-8) and booleans
 * (as 1 and 0) at any depth; dictionary entries that are undefined are left out.
 */
export type Encodable =
  | Uint8Array
  | string
  | boolean
  | number
  | bigint
  | Encodable[]
  | { [key: string]: Encodable | undefined };

const D = 0x64;
const L = 0x6c;
const E = 0x65;

/**
 * Two passes: the first measures, the second writes into one exactly sized Buffer, so a
 * torrent's multi-megabyte `pieces` string is copied once. The `bencode` package's encoder is
 * not used: it writes object keys as UTF-8 (so binary keys such as raw info hashes in scrape
 * responses would not round-trip), silently drops bigints and nulls and truncates floats.
 */
export function encode(value: Encodable): Buffer {
  const length = measure(value, 0);
  const out = Buffer.allocUnsafe(length);
  const end = write(out, 0, value);
  if (end !== length)
    throw new BencodeError('INTERNAL', `encoded ${end} bytes, expected ${length}`);
  return out;
}

function checkDepth(depth: number): void {
  // Encoding is recursive; a cycle or absurd nesting would otherwise overflow the stack.
  if (depth > 1000)
    throw new BencodeError('TOO_DEEP', 'value nested deeper than 1000 levels (a cycle?)');
}

function integerText(value: number | bigint): string {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new BencodeError(
      'NOT_AN_INTEGER',
      `cannot encode ${value}: bencode integers must be safe integers (use a bigint above 2^53)`,
    );
  }
  return value.toString();
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

function sortedKeys(dict: object): string[] {
  const keys = Object.keys(dict).filter((k) => (dict as Record<string, unknown>)[k] !== undefined);
  for (const key of keys) {
    // Keys are latin1 (one char per byte); anything wider cannot be written as the bytes it stands for.
    if (!isLatin1(key)) {
      throw new BencodeError(
        'BAD_KEY',
        `dictionary key "${key}" has characters above U+00FF; keys are latin1 byte strings`,
      );
    }
  }
  // With every char <= 0xFF, UTF-16 code-unit order is byte order.
  return keys.sort();
}

function measure(value: unknown, depth: number): number {
  if (value instanceof Uint8Array) return decimalLength(value.length) + 1 + value.length;
  if (typeof value === 'string') {
    const n = Buffer.byteLength(value, 'utf8');
    return decimalLength(n) + 1 + n;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return integerText(value).length + 2;
  if (typeof value === 'boolean') return 3;
  checkDepth(depth);
  if (Array.isArray(value)) {
    let n = 2;
    for (const item of value) {
      if (item === undefined || item === null)
        throw new BencodeError('BAD_VALUE', 'lists cannot hold null or undefined');
      n += measure(item, depth + 1);
    }
    return n;
  }
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      // A Map, Date or class instance would otherwise encode as an empty dictionary.
      throw new BencodeError(
        'BAD_VALUE',
        `cannot encode a ${value.constructor?.name ?? 'non-plain'} object`,
      );
    }
    let n = 2;
    for (const key of sortedKeys(value)) {
      n += decimalLength(key.length) + 1 + key.length;
      n += measure((value as Record<string, unknown>)[key], depth + 1);
    }
    return n;
  }
  throw new BencodeError(
    'BAD_VALUE',
    `cannot encode a value of type ${value === null ? 'null' : typeof value}`,
  );
}

function decimalLength(n: number): number {
  return n < 10 ? 1 : Math.floor(Math.log10(n)) + 1;
}

function write(out: Buffer, pos: number, value: unknown): number {
  if (value instanceof Uint8Array) {
    pos += out.write(`${value.length}:`, pos, 'latin1');
    out.set(value, pos);
    return pos + value.length;
  }
  if (typeof value === 'string') {
    pos += out.write(`${Buffer.byteLength(value, 'utf8')}:`, pos, 'latin1');
    return pos + out.write(value, pos, 'utf8');
  }
  if (typeof value === 'number' || typeof value === 'bigint')
    return pos + out.write(`i${integerText(value)}e`, pos, 'latin1');
  if (typeof value === 'boolean') return pos + out.write(value ? 'i1e' : 'i0e', pos, 'latin1');
  if (Array.isArray(value)) {
    out[pos++] = L;
    for (const item of value) pos = write(out, pos, item);
    out[pos++] = E;
    return pos;
  }
  out[pos++] = D;
  for (const key of sortedKeys(value as object)) {
    pos += out.write(`${key.length}:`, pos, 'latin1');
    pos += out.write(key, pos, 'latin1');
    pos = write(out, pos, (value as Record<string, unknown>)[key]);
  }
  out[pos++] = E;
  return pos;
}
