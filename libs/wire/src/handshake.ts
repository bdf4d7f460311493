import { WireError } from './errors.js';

export interface Handshake {
  reserved: Buffer;
  infoHash: Buffer;
  peerId: Buffer;
}

export const PROTOCOL_NAME = 'BitTorrent protocol';
export const HANDSHAKE_LENGTH = 1 + PROTOCOL_NAME.length + 8 + 20 + 20;

// Reserved-bit positions: BEP 10 is bit 20 from the right (byte 5, 0x10), BEP 6 is bit 62 (byte 7, 0x04).
const EXTENSIONS_BYTE = 5;
const EXTENSIONS_MASK = 0x10;
const FAST_BYTE = 7;
const FAST_MASK = 0x04;

export function encodeHandshake(h: {
  infoHash: Buffer;
  peerId: Buffer;
  extensions?: boolean;
  fast?: boolean;
}): Buffer {
  if (h.infoHash.length !== 20) {
    throw new WireError('INVALID_ARGUMENT', `info hash must be 20 bytes, got ${h.infoHash.length}`);
  }
  if (h.peerId.length !== 20) {
    throw new WireError('INVALID_ARGUMENT', `peer id must be 20 bytes, got ${h.peerId.length}`);
  }
  const out = Buffer.alloc(HANDSHAKE_LENGTH);
  out[0] = PROTOCOL_NAME.length;
  out.write(PROTOCOL_NAME, 1, 'latin1');
  const reservedAt = 1 + PROTOCOL_NAME.length;
  if (h.extensions) out[reservedAt + EXTENSIONS_BYTE] |= EXTENSIONS_MASK;
  if (h.fast) out[reservedAt + FAST_BYTE] |= FAST_MASK;
  h.infoHash.copy(out, reservedAt + 8);
  h.peerId.copy(out, reservedAt + 28);
  return out;
}

/** Parses exactly HANDSHAKE_LENGTH bytes. The returned buffers are copies. */
export function decodeHandshake(bytes: Buffer): Handshake {
  if (bytes.length !== HANDSHAKE_LENGTH) {
    throw new WireError(
      'BAD_HANDSHAKE',
      `handshake must be ${HANDSHAKE_LENGTH} bytes, got ${bytes.length}`,
    );
  }
  checkHandshakePrefix(bytes);
  const reservedAt = 1 + PROTOCOL_NAME.length;
  return {
    reserved: Buffer.from(bytes.subarray(reservedAt, reservedAt + 8)),
    infoHash: Buffer.from(bytes.subarray(reservedAt + 8, reservedAt + 28)),
    peerId: Buffer.from(bytes.subarray(reservedAt + 28, reservedAt + 48)),
  };
}

/**
 * Checks as many of the leading bytes as are present, so a peer speaking another protocol is
 * rejected on its first byte instead of after 68.
 */
export function checkHandshakePrefix(bytes: Buffer): void {
  if (bytes.length === 0) return;
  if (bytes[0] !== PROTOCOL_NAME.length) {
    throw new WireError(
      'BAD_HANDSHAKE',
      `handshake protocol name length must be 19, got ${bytes[0]}`,
    );
  }
  const end = Math.min(bytes.length, 1 + PROTOCOL_NAME.length);
  for (let i = 1; i < end; i++) {
    if (bytes[i] !== PROTOCOL_NAME.charCodeAt(i - 1)) {
      throw new WireError('BAD_HANDSHAKE', 'handshake protocol name is not "BitTorrent protocol"');
    }
  }
}

export function supportsExtensions(reserved: Buffer): boolean {
  return (reserved[EXTENSIONS_BYTE] & EXTENSIONS_MASK) !== 0;
}

export function supportsFast(reserved: Buffer): boolean {
  return (reserved[FAST_BYTE] & FAST_MASK) !== 0;
}
