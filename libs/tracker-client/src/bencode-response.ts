import { BencodeError, decode, type BDict, type BValue } from '@swarmhub/bencode';
import { TrackerError } from './errors.js';

/** Tracker answers are shallow: a dictionary of peers or of per-torrent counts. */
const MAX_DEPTH = 16;

/** Decodes a tracker answer that must be a dictionary; a `failure reason` becomes a TrackerError. */
export function decodeTrackerDict(body: Buffer, what: string): BDict {
  let value: BValue;
  try {
    value = decode(body, { maxDepth: MAX_DEPTH, maxSize: body.length });
  } catch (err) {
    if (err instanceof BencodeError) {
      throw new TrackerError('BAD_RESPONSE', `${what} is not bencode: ${err.message}`, {
        cause: err,
      });
    }
    throw err;
  }
  if (!isDict(value)) throw new TrackerError('BAD_RESPONSE', `${what} is not a dictionary`);
  const failure = get(value, 'failure reason');
  if (failure !== undefined) {
    const reason = Buffer.isBuffer(failure) ? failure.toString('utf8') : String(failure);
    throw new TrackerError('FAILURE', reason.slice(0, 1000) || 'tracker refused without a reason');
  }
  return value;
}

export function isDict(value: BValue | undefined): value is BDict {
  return (
    typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !Array.isArray(value)
  );
}

/** Own keys only: a hostile `__proto__` key must never reach the prototype. */
export function get(dict: BDict, key: string): BValue | undefined {
  return Object.prototype.hasOwnProperty.call(dict, key) ? dict[key] : undefined;
}

/** A non-negative safe integer, or undefined when absent or of another shape. */
export function getCount(dict: BDict, key: string): number | undefined {
  const value = get(dict, key);
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

export function getText(dict: BDict, key: string): string | undefined {
  const value = get(dict, key);
  return Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
}
