import {
  decodeMetadataMessage,
  encodeMetadataMessage,
  type ExtendedHandshake,
} from '@swarmhub/wire';
import { METADATA_PIECE_SIZE, MetadataFetcher } from './metadata-fetcher.js';
import type { TorrentPeer } from './torrent-peer.js';

/** The id we ask peers to use for ut_metadata messages to us (our extended handshake's `m`). */
export const OUR_UT_METADATA_ID = 3;

/**
 * ut_metadata (BEP 9) for one torrent, both ways: serves our info dictionary to peers that ask,
 * and while we lack it (a magnet link), asks peers for it piece by piece.
 */
export class MetadataExchange {
  private fetcher?: MetadataFetcher;

  constructor(infoHash: Buffer, needMetadata: boolean) {
    if (needMetadata) this.fetcher = new MetadataFetcher(infoHash);
  }

  get fetching(): boolean {
    return this.fetcher !== undefined;
  }

  /** The metadata arrived (or was known): stop asking. */
  finished(): void {
    this.fetcher = undefined;
  }

  onExtendedHandshake(peer: TorrentPeer, h: ExtendedHandshake): void {
    const id = h.m?.ut_metadata;
    peer.utMetadataId = typeof id === 'number' && id > 0 ? id : undefined;
    if (this.fetcher && peer.utMetadataId && h.metadataSize !== undefined) {
      this.fetcher.offerSize(h.metadataSize);
      this.requestFrom(peer);
    }
  }

  requestFrom(peer: TorrentPeer): void {
    if (!this.fetcher || !peer.utMetadataId || peer.conn.closed) return;
    const piece = this.fetcher.nextRequest(peer.key);
    if (piece === undefined) return;
    peer.conn.send({
      type: 'extended',
      id: peer.utMetadataId,
      payload: encodeMetadataMessage({ msgType: 0, piece }),
    });
  }

  peerGone(peer: TorrentPeer): void {
    this.fetcher?.peerGone(peer.key);
  }

  /**
   * A ut_metadata message from `peer`. Requests are answered from `info` (or rejected without it).
   * Returns the complete, verified info dictionary when this message finished it, 'bad' when the
   * assembled dictionary failed its hash, else undefined.
   */
  onMessage(
    peer: TorrentPeer,
    payload: Buffer,
    info: Buffer | undefined,
  ): Buffer | 'bad' | undefined {
    const msg = decodeMetadataMessage(payload);
    if (msg.msgType === 0) {
      if (!peer.utMetadataId) return undefined;
      const begin = msg.piece * METADATA_PIECE_SIZE;
      const payloadOut =
        !info || begin < 0 || begin >= info.length
          ? encodeMetadataMessage({ msgType: 2, piece: msg.piece })
          : encodeMetadataMessage({
              msgType: 1,
              piece: msg.piece,
              totalSize: info.length,
              data: info.subarray(begin, Math.min(info.length, begin + METADATA_PIECE_SIZE)),
            });
      peer.conn.send({ type: 'extended', id: peer.utMetadataId, payload: payloadOut });
      return undefined;
    }
    if (!this.fetcher) return undefined;
    if (msg.msgType === 2) {
      this.fetcher.rejected(msg.piece);
      return undefined;
    }
    const result = this.fetcher.received(msg.piece, msg.totalSize, msg.data);
    if (result === undefined) this.requestFrom(peer);
    return result;
  }
}
