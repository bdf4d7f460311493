export type { BValue, BDict, DecodeOptions } from './types.js';
export { BencodeError } from './errors.js';
export { decode, decodeTorrentFile, DEFAULT_MAX_DEPTH, DEFAULT_MAX_SIZE } from './decode.js';
export type { Span } from './decode.js';
export { encode, type Encodable } from './encode.js';
