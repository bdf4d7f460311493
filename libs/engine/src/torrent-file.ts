import { encode } from '@swarmhub/bencode';

/**
 * A .torrent around raw info bytes: the info dictionary is spliced in as it stands, never
 * re-encoded, so its SHA-1 stays the info hash whatever keys it holds.
 */
export function torrentFileBytes(info: Buffer, announceList: string[][]): Buffer {
  const parts: Buffer[] = [Buffer.from('d')];
  const first = announceList[0]?.[0];
  if (first) parts.push(Buffer.from('8:announce'), encode(first));
  if (announceList.length > 1 || (announceList[0]?.length ?? 0) > 1) {
    parts.push(
      Buffer.from('13:announce-list'),
      encode(announceList.map((tier) => tier.map((url) => Buffer.from(url)))),
    );
  }
  parts.push(Buffer.from('4:info'), info, Buffer.from('e'));
  return Buffer.concat(parts);
}
