import { encode, type BDict } from '@swarmhub/bencode';
import { bencodedValueEnd } from './bencoded-prefix.js';
import { WireError } from './errors.js';
import { decodeDict } from './extension.js';

/** BEP 9 ut_metadata: 0 request, 1 data, 2 reject. */
export type MetadataMessage =
  | { msgType: 0; piece: number }
  | { msgType: 1; piece: number; totalSize: number; data: Buffer }
  | { msgType: 2; piece: number };

/** BEP 9 splits the info dictionary into 16 KiB pieces; only the last may be shorter. */
export const METADATA_PIECE_SIZE = 16 * 1024;
const MAX_HEAD_LENGTH = 1024;

export function metadataPieceCount(totalSize: number): number {
  return Math.ceil(totalSize / METADATA_PIECE_SIZE);
}

export function encodeMetadataMessage(m: MetadataMessage): Buffer {
  if (!Number.isInteger(m.piece) || m.piece < 0 || m.piece > 0x7fffffff) {
    throw new WireError(
      'INVALID_ARGUMENT',
      `metadata piece must be a non-negative integer, got ${m.piece}`,
    );
  }
  const head: BDict = { msg_type: m.msgType, piece: m.piece };
  if (m.msgType !== 1) return encode(head);
  checkData(m.piece, m.totalSize, m.data.length, 'INVALID_ARGUMENT');
  head.total_size = m.totalSize;
  return Buffer.concat([encode(head), m.data]);
}

/**
 * Parses a ut_metadata payload. A data message must carry exactly the bytes its piece should
 * hold given total_size; an unknown msg_type throws code UNKNOWN_METADATA_MESSAGE, which BEP 9
 * says to ignore rather than drop the peer for.
 */
export function decodeMetadataMessage(payload: Buffer): MetadataMessage {
  const headEnd = bencodedValueEnd(payload.subarray(0, Math.min(payload.length, MAX_HEAD_LENGTH)));
  const head = decodeDict(payload.subarray(0, headEnd), MAX_HEAD_LENGTH, 'BAD_METADATA_MESSAGE');
  const { msg_type: msgType, piece } = head;
  if (typeof msgType !== 'number' || !Number.isInteger(msgType)) {
    throw new WireError('BAD_METADATA_MESSAGE', 'ut_metadata message without an integer msg_type');
  }
  if (typeof piece !== 'number' || !Number.isInteger(piece) || piece < 0 || piece > 0x7fffffff) {
    throw new WireError('BAD_METADATA_MESSAGE', 'ut_metadata message without a valid piece');
  }
  const rest = payload.subarray(headEnd);
  switch (msgType) {
    case 0:
    case 2:
      if (rest.length !== 0) {
        throw new WireError(
          'BAD_METADATA_MESSAGE',
          `${rest.length} unexpected bytes after a ut_metadata message`,
        );
      }
      return { msgType, piece };
    case 1: {
      const totalSize = head.total_size;
      if (typeof totalSize !== 'number' || !Number.isSafeInteger(totalSize)) {
        throw new WireError(
          'BAD_METADATA_MESSAGE',
          'ut_metadata data without an integer total_size',
        );
      }
      checkData(piece, totalSize, rest.length, 'BAD_METADATA_MESSAGE');
      return { msgType: 1, piece, totalSize, data: rest };
    }
    default:
      throw new WireError('UNKNOWN_METADATA_MESSAGE', `unknown ut_metadata msg_type ${msgType}`);
  }
}

function checkData(
  piece: number,
  totalSize: number,
  dataLength: number,
  code: 'BAD_METADATA_MESSAGE' | 'INVALID_ARGUMENT',
): void {
  if (!Number.isSafeInteger(totalSize) || totalSize <= 0) {
    throw new WireError(code, `metadata total_size must be positive, got ${totalSize}`);
  }
  const pieces = metadataPieceCount(totalSize);
  if (piece >= pieces) {
    throw new WireError(
      code,
      `metadata piece ${piece} beyond the ${pieces} pieces of ${totalSize} bytes`,
    );
  }
  const expected = Math.min(METADATA_PIECE_SIZE, totalSize - piece * METADATA_PIECE_SIZE);
  if (dataLength !== expected) {
    throw new WireError(
      code,
      `metadata piece ${piece} must carry ${expected} bytes, got ${dataLength}`,
    );
  }
}
