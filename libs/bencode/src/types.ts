export type BValue = Buffer | number | bigint | BValue[] | BDict;

/** Keys are 'latin1' strings (one char per byte), so any byte string, such as a raw 20-byte info hash, round-trips. */
export interface BDict {
  [key: string]: BValue;
}

export interface DecodeOptions {
  /** Lists and dictionaries nested deeper than this are refused. Default 100. */
  maxDepth?: number;
  /** Inputs longer than this many bytes are refused before any parsing. Default 64 MiB. */
  maxSize?: number;
  /** Byte strings longer than this are refused. Default: maxSize. */
  maxStringLength?: number;
  /** Dictionary keys must be in ascending byte order (BEP 3's canonical form). Default false. */
  strict?: boolean;
}
