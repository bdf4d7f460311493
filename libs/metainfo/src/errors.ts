/** A .torrent, info dictionary, magnet link or creation request that cannot be used. `field` names the offending field (e.g. `info.pieces`). */
export class MetainfoError extends Error {
  readonly code: string;
  readonly field?: string;

  constructor(code: string, message: string, field?: string) {
    super(message);
    this.name = 'MetainfoError';
    this.code = code;
    if (field !== undefined) this.field = field;
  }
}
