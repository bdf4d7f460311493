import { WireError } from './errors.js';

export type Message =
  | { type: 'keep-alive' }
  | { type: 'choke' }
  | { type: 'unchoke' }
  | { type: 'interested' }
  | { type: 'not-interested' }
  | { type: 'have'; index: number }
  | { type: 'bitfield'; bitfield: Buffer }
  | { type: 'request'; index: number; begin: number; length: number }
  | { type: 'piece'; index: number; begin: number; block: Buffer }
  | { type: 'cancel'; index: number; begin: number; length: number }
  | { type: 'port'; port: number }
  | { type: 'suggest'; index: number }
  | { type: 'have-all' }
  | { type: 'have-none' }
  | { type: 'reject'; index: number; begin: number; length: number }
  | { type: 'allowed-fast'; index: number }
  | { type: 'extended'; id: number; payload: Buffer };

/** Message ids of BEP 3 (0-9), BEP 6 (0x0d-0x11) and BEP 10 (20). */
export const MessageId = {
  choke: 0,
  unchoke: 1,
  interested: 2,
  notInterested: 3,
  have: 4,
  bitfield: 5,
  request: 6,
  piece: 7,
  cancel: 8,
  port: 9,
  suggest: 0x0d,
  haveAll: 0x0e,
  haveNone: 0x0f,
  reject: 0x10,
  allowedFast: 0x11,
  extended: 20,
} as const;

function checkUint32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new WireError(
      'INVALID_ARGUMENT',
      `${what} must be a 32-bit unsigned integer, got ${value}`,
    );
  }
}

function bare(id: number): Buffer {
  const out = Buffer.allocUnsafe(5);
  out.writeUInt32BE(1, 0);
  out[4] = id;
  return out;
}

function withIndex(id: number, index: number): Buffer {
  checkUint32(index, 'piece index');
  const out = Buffer.allocUnsafe(9);
  out.writeUInt32BE(5, 0);
  out[4] = id;
  out.writeUInt32BE(index, 5);
  return out;
}

function withBlockRef(id: number, m: { index: number; begin: number; length: number }): Buffer {
  checkUint32(m.index, 'piece index');
  checkUint32(m.begin, 'block offset');
  checkUint32(m.length, 'block length');
  const out = Buffer.allocUnsafe(17);
  out.writeUInt32BE(13, 0);
  out[4] = id;
  out.writeUInt32BE(m.index, 5);
  out.writeUInt32BE(m.begin, 9);
  out.writeUInt32BE(m.length, 13);
  return out;
}

/**
 * The 13-byte head of a `piece` message; sending it followed by the block (writev, cork) avoids
 * copying 16 KiB blocks into a fresh buffer.
 */
export function encodePieceHeader(index: number, begin: number, blockLength: number): Buffer {
  checkUint32(index, 'piece index');
  checkUint32(begin, 'block offset');
  if (!Number.isInteger(blockLength) || blockLength < 0 || blockLength > 0xffffffff - 9) {
    throw new WireError('INVALID_ARGUMENT', `block length out of range: ${blockLength}`);
  }
  const out = Buffer.allocUnsafe(13);
  out.writeUInt32BE(9 + blockLength, 0);
  out[4] = MessageId.piece;
  out.writeUInt32BE(index, 5);
  out.writeUInt32BE(begin, 9);
  return out;
}

export function encodeMessage(m: Message): Buffer {
  switch (m.type) {
    case 'keep-alive':
      return Buffer.alloc(4);
    case 'choke':
      return bare(MessageId.choke);
    case 'unchoke':
      return bare(MessageId.unchoke);
    case 'interested':
      return bare(MessageId.interested);
    case 'not-interested':
      return bare(MessageId.notInterested);
    case 'have-all':
      return bare(MessageId.haveAll);
    case 'have-none':
      return bare(MessageId.haveNone);
    case 'have':
      return withIndex(MessageId.have, m.index);
    case 'suggest':
      return withIndex(MessageId.suggest, m.index);
    case 'allowed-fast':
      return withIndex(MessageId.allowedFast, m.index);
    case 'request':
      return withBlockRef(MessageId.request, m);
    case 'cancel':
      return withBlockRef(MessageId.cancel, m);
    case 'reject':
      return withBlockRef(MessageId.reject, m);
    case 'bitfield': {
      const out = Buffer.allocUnsafe(5 + m.bitfield.length);
      out.writeUInt32BE(1 + m.bitfield.length, 0);
      out[4] = MessageId.bitfield;
      m.bitfield.copy(out, 5);
      return out;
    }
    case 'piece': {
      const header = encodePieceHeader(m.index, m.begin, m.block.length);
      return Buffer.concat([header, m.block], header.length + m.block.length);
    }
    case 'port': {
      if (!Number.isInteger(m.port) || m.port < 0 || m.port > 0xffff) {
        throw new WireError('INVALID_ARGUMENT', `port must be 0..65535, got ${m.port}`);
      }
      const out = Buffer.allocUnsafe(7);
      out.writeUInt32BE(3, 0);
      out[4] = MessageId.port;
      out.writeUInt16BE(m.port, 5);
      return out;
    }
    case 'extended': {
      if (!Number.isInteger(m.id) || m.id < 0 || m.id > 255) {
        throw new WireError('INVALID_ARGUMENT', `extended message id must be 0..255, got ${m.id}`);
      }
      const out = Buffer.allocUnsafe(6 + m.payload.length);
      out.writeUInt32BE(2 + m.payload.length, 0);
      out[4] = MessageId.extended;
      out[5] = m.id;
      m.payload.copy(out, 6);
      return out;
    }
    default: {
      const unknown: never = m;
      throw new WireError('INVALID_ARGUMENT', `unknown message type ${JSON.stringify(unknown)}`);
    }
  }
}
