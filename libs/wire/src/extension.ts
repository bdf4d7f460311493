import { BencodeError, decode, encode, type BDict, type BValue } from '@swarmhub/bencode';
import { WireError } from './errors.js';

/** The BEP 10 handshake (extended message id 0). */
export interface ExtendedHandshake {
  /** Extension name to the id the sender wants to receive it on; 0 means disabled. */
  m: Record<string, number>;
  metadataSize?: number;
  v?: string;
  p?: number;
  reqq?: number;
  yourip?: Buffer;
}

/** Extended handshakes are a few hundred bytes in practice; the frame limit alone (1 MiB) is too loose. */
export const MAX_EXTENDED_HANDSHAKE_LENGTH = 64 * 1024;

export function encodeExtendedHandshake(h: ExtendedHandshake): Buffer {
  const m: BDict = {};
  for (const [name, id] of Object.entries(h.m)) {
    if (!Number.isInteger(id) || id < 0 || id > 255) {
      throw new WireError('INVALID_ARGUMENT', `extension id for ${name} must be 0..255, got ${id}`);
    }
    m[name] = id;
  }
  const dict: BDict = { m };
  if (h.metadataSize !== undefined)
    dict.metadata_size = checkedInteger(h.metadataSize, 'metadataSize');
  if (h.v !== undefined) dict.v = Buffer.from(h.v, 'utf8');
  if (h.p !== undefined) dict.p = checkedInteger(h.p, 'p');
  if (h.reqq !== undefined) dict.reqq = checkedInteger(h.reqq, 'reqq');
  if (h.yourip !== undefined) dict.yourip = h.yourip;
  return encode(dict);
}

/**
 * Parses a peer's extended handshake. A payload that is not a bencoded dictionary is a protocol
 * violation; optional fields of the wrong type or out of range are ignored, as other clients do,
 * because peers in the wild send odd values and the fields are advisory.
 */
export function decodeExtendedHandshake(payload: Buffer): ExtendedHandshake {
  const dict = decodeDict(payload, MAX_EXTENDED_HANDSHAKE_LENGTH, 'BAD_EXTENDED_HANDSHAKE');
  const handshake: ExtendedHandshake = { m: {} };
  const m = dict.m;
  if (m !== undefined && isDict(m)) {
    for (const [name, id] of Object.entries(m)) {
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 255)
        handshake.m[name] = id;
    }
  }
  const metadataSize = dict.metadata_size;
  if (typeof metadataSize === 'number' && Number.isSafeInteger(metadataSize) && metadataSize > 0) {
    handshake.metadataSize = metadataSize;
  }
  if (Buffer.isBuffer(dict.v)) handshake.v = dict.v.toString('utf8');
  if (typeof dict.p === 'number' && Number.isInteger(dict.p) && dict.p > 0 && dict.p <= 0xffff) {
    handshake.p = dict.p;
  }
  if (typeof dict.reqq === 'number' && Number.isSafeInteger(dict.reqq) && dict.reqq > 0) {
    handshake.reqq = dict.reqq;
  }
  if (Buffer.isBuffer(dict.yourip) && (dict.yourip.length === 4 || dict.yourip.length === 16)) {
    handshake.yourip = Buffer.from(dict.yourip);
  }
  return handshake;
}

export function isDict(value: BValue | undefined): value is BDict {
  return (
    typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !Array.isArray(value)
  );
}

export function decodeDict(
  bytes: Buffer,
  maxSize: number,
  code: 'BAD_EXTENDED_HANDSHAKE' | 'BAD_METADATA_MESSAGE',
): BDict {
  if (bytes.length > maxSize) {
    throw new WireError(code, `bencoded payload of ${bytes.length} bytes exceeds ${maxSize}`);
  }
  let value: BValue;
  try {
    value = decode(bytes, { maxSize, maxDepth: 16 });
  } catch (error) {
    if (error instanceof BencodeError) throw new WireError(code, `bad bencoding: ${error.message}`);
    throw error;
  }
  if (!isDict(value)) throw new WireError(code, 'payload is not a bencoded dictionary');
  return value;
}

function checkedInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new WireError('INVALID_ARGUMENT', `${what} must be a non-negative integer, got ${value}`);
  }
  return value;
}
