/** A bencode input or value that cannot be decoded or encoded; `offset` is the byte where decoding stopped (-1 when encoding). */
export class BencodeError extends Error {
  readonly code: string;
  readonly offset: number;

  constructor(code: string, message: string, offset = -1) {
    super(offset >= 0 ? `${message} at byte ${offset}` : message);
    this.name = 'BencodeError';
    this.code = code;
    this.offset = offset;
  }
}
