export type WireErrorCode =
  | 'BAD_HANDSHAKE'
  | 'MESSAGE_TOO_LONG'
  | 'BAD_MESSAGE_LENGTH'
  | 'BAD_BITFIELD'
  | 'BAD_PIECE_INDEX'
  | 'BAD_EXTENDED_HANDSHAKE'
  | 'BAD_METADATA_MESSAGE'
  | 'UNKNOWN_METADATA_MESSAGE'
  | 'INVALID_ARGUMENT'
  | 'DECODER_FAILED';

/**
 * A violation of the peer wire protocol (or an invalid value handed to an encoder).
 * The engine drops a peer whose bytes raise one; the process never crashes on peer input.
 */
export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    readonly code: WireErrorCode,
    message: string,
  ) {
    super(message);
  }
}
