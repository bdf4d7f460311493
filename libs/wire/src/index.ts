export { WireError, type WireErrorCode } from './errors.js';
export { Bitfield } from './bitfield.js';
export {
  encodeHandshake,
  decodeHandshake,
  supportsExtensions,
  supportsFast,
  HANDSHAKE_LENGTH,
  PROTOCOL_NAME,
  type Handshake,
} from './handshake.js';
export { encodeMessage, encodePieceHeader, MessageId, type Message } from './messages.js';
export { WireDecoder, type WireDecoderOptions, type WireEvent } from './decoder.js';
export { allowedFastSet } from './allowed-fast.js';
export {
  encodeExtendedHandshake,
  decodeExtendedHandshake,
  MAX_EXTENDED_HANDSHAKE_LENGTH,
  type ExtendedHandshake,
} from './extension.js';
export {
  encodeMetadataMessage,
  decodeMetadataMessage,
  metadataPieceCount,
  METADATA_PIECE_SIZE,
  type MetadataMessage,
} from './metadata.js';
export { clientFromPeerId } from './client-id.js';
