import { WireError } from './errors.js';

/**
 * Where the bencoded value starting at `start` ends. ut_metadata data messages put raw bytes
 * right after a bencoded dictionary, so the split point has to be found before decoding.
 * Only the structure is checked here; the bencode decoder validates the prefix afterwards.
 */
export function bencodedValueEnd(buf: Buffer, start = 0, maxDepth = 16): number {
  let pos = start;
  let depth = 0;
  do {
    if (pos >= buf.length) throw malformed('bencoded value is truncated');
    const c = buf[pos];
    if (c === 0x64 /* d */ || c === 0x6c /* l */) {
      if (++depth > maxDepth) throw malformed('bencoded value nested too deeply');
      pos++;
    } else if (c === 0x65 /* e */) {
      if (depth === 0) throw malformed(`unexpected end marker at byte ${pos}`);
      depth--;
      pos++;
    } else if (c === 0x69 /* i */) {
      const end = buf.indexOf(0x65, pos + 1);
      if (end < 0 || end - pos > 22) throw malformed(`bad integer at byte ${pos}`);
      pos = end + 1;
    } else if (c >= 0x30 && c <= 0x39) {
      const colon = buf.indexOf(0x3a, pos);
      if (colon < 0 || colon - pos > 10) throw malformed(`bad string length at byte ${pos}`);
      const text = buf.toString('latin1', pos, colon);
      if (!/^\d+$/.test(text)) throw malformed(`bad string length at byte ${pos}`);
      pos = colon + 1 + Number(text);
      if (pos > buf.length) throw malformed('bencoded string is truncated');
    } else {
      throw malformed(`unexpected byte 0x${c.toString(16)} at byte ${pos}`);
    }
  } while (depth > 0);
  return pos;
}

function malformed(message: string): WireError {
  return new WireError('BAD_METADATA_MESSAGE', message);
}
