import { MetainfoError } from './errors.js';
import type { Magnet, Metainfo } from './types.js';

const MAX_MAGNET_LENGTH = 64 * 1024;
const MAX_LIST_ENTRIES = 200;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function bad(message: string): MetainfoError {
  return new MetainfoError('BAD_MAGNET', message, 'magnet');
}

function base32Decode(text: string): Buffer {
  const out = Buffer.alloc(Math.floor((text.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const ch of text.toUpperCase()) {
    const v = BASE32.indexOf(ch);
    if (v < 0) throw bad(`btih base32 hash has an invalid character ${JSON.stringify(ch)}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out[index++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}

function decodeComponent(raw: string, key: string): string {
  try {
    // Form encoding: '+' is a space (as in the dn of many magnets in the wild).
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw bad(`magnet parameter ${key} has malformed percent-encoding`);
  }
}

/** Parses a BEP 9 magnet link with a v1 (btih) info hash in hex or base32. */
export function parseMagnet(uri: string): Magnet {
  if (typeof uri !== 'string') throw bad('magnet link is not a string');
  if (uri.length > MAX_MAGNET_LENGTH)
    throw bad(`magnet link of ${uri.length} characters exceeds the limit of ${MAX_MAGNET_LENGTH}`);
  const trimmed = uri.trim();
  if (!/^magnet:\?/i.test(trimmed))
    throw bad('not a magnet link (expected it to start with "magnet:?")');
  let hash: Buffer | undefined;
  let sawV2 = false;
  let displayName: string | undefined;
  let exactLength: number | undefined;
  const trackers: string[] = [];
  const webSeeds: string[] = [];
  for (const part of trimmed.slice(8).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? '' : decodeComponent(part.slice(eq + 1), key);
    // Parameters may be numbered (xt.1, tr.2) when they repeat.
    const baseKey = key.replace(/\.\d+$/, '');
    switch (baseKey) {
      case 'xt': {
        const m = /^urn:btih:(.*)$/i.exec(value);
        if (!m) {
          if (/^urn:btmh:/i.test(value)) sawV2 = true;
          else
            throw bad(`unsupported xt ${JSON.stringify(value.slice(0, 60))} (expected urn:btih:)`);
          break;
        }
        const h = m[1]!;
        let bytes: Buffer;
        if (/^[0-9a-f]{40}$/i.test(h)) bytes = Buffer.from(h, 'hex');
        else if (h.length === 32) bytes = base32Decode(h);
        else
          throw bad(
            `btih hash ${JSON.stringify(h.slice(0, 60))} is neither 40 hex nor 32 base32 characters`,
          );
        if (hash && !hash.equals(bytes)) throw bad('magnet link has two different btih hashes');
        hash = bytes;
        break;
      }
      case 'dn':
        displayName = value;
        break;
      case 'tr':
        if (value !== '' && !trackers.includes(value)) trackers.push(value);
        break;
      case 'ws':
        if (value !== '' && !webSeeds.includes(value)) webSeeds.push(value);
        break;
      case 'xl':
        if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value)))
          throw bad(`xl ${JSON.stringify(value)} is not a byte count`);
        exactLength = Number(value);
        break;
      default:
        // Other parameters (x.pe, so, kt, ...) are allowed and ignored.
        break;
    }
    if (trackers.length > MAX_LIST_ENTRIES || webSeeds.length > MAX_LIST_ENTRIES)
      throw bad(`magnet link has more than ${MAX_LIST_ENTRIES} trackers or web seeds`);
  }
  if (!hash)
    throw bad(
      sawV2
        ? 'only BitTorrent v2 (btmh) hashes in the magnet link; v1 (btih) is required'
        : 'magnet link has no xt=urn:btih: parameter',
    );
  return {
    infoHash: hash.toString('hex'),
    infoHashBytes: hash,
    ...(displayName !== undefined ? { displayName } : {}),
    trackers,
    webSeeds,
    ...(exactLength !== undefined ? { exactLength } : {}),
  };
}

/** Formats a magnet link with a lowercase hex btih; values are percent-encoded so they round-trip through parseMagnet. */
export function formatMagnet(m: Omit<Magnet, 'infoHashBytes'>): string {
  if (!/^[0-9a-f]{40}$/i.test(m.infoHash))
    throw bad(`info hash ${JSON.stringify(m.infoHash)} is not 40 hex characters`);
  const parts = [`xt=urn:btih:${m.infoHash.toLowerCase()}`];
  if (m.displayName !== undefined) parts.push(`dn=${encodeURIComponent(m.displayName)}`);
  if (m.exactLength !== undefined) parts.push(`xl=${m.exactLength}`);
  for (const tr of m.trackers) parts.push(`tr=${encodeURIComponent(tr)}`);
  for (const ws of m.webSeeds) parts.push(`ws=${encodeURIComponent(ws)}`);
  return `magnet:?${parts.join('&')}`;
}

export function magnetFromMetainfo(m: Metainfo): string {
  const trackers = [...new Set(m.announceList.flat())];
  return formatMagnet({
    infoHash: m.infoHash,
    displayName: m.name,
    trackers,
    webSeeds: m.urlList,
    exactLength: m.totalLength,
  });
}
