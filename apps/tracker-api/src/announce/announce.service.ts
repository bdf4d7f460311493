import { Inject, Injectable } from '@nestjs/common';
import { encode, type BDict, type BValue } from '@swarmhub/bencode';
import { TRACKER_CONFIG, type TrackerConfig } from '../config/tracker-config.js';
import { CompletionLog } from '../completions/completion-log.js';
import { TrackerMetrics } from '../health/tracker-metrics.js';
import { peerEndpoint } from '../swarm/peer-address.js';
import { isSeeding, type Swarm, type SwarmPeer } from '../swarm/swarm.js';
import { SwarmRegistry } from '../swarm/swarm-registry.js';
import { CatalogIndex } from '../torrents/catalog-index.js';
import {
  parseAnnounceRequest,
  parseScrapeRequest,
  type AnnounceRequest,
} from './announce-request.js';
import { clientAddress } from './client-address.js';
import { encodeCompactAnswer } from './compact-answer.js';
import { TrackerFailure } from './tracker-failure.js';

/** What the HTTP edge knows about a tracker request. */
export interface TrackerRequest {
  queryString: string;
  socketAddress: string;
  forwardedFor: string | undefined;
}

export const NOT_REGISTERED = 'torrent is not registered with this tracker';
const MAX_SCRAPE_HASHES = 100;

/** BEP 3 announce and BEP 48 scrape over the in-memory swarms. Answers are bencoded bytes. */
@Injectable()
export class AnnounceService {
  private readonly minInterval: number;

  constructor(
    @Inject(TRACKER_CONFIG) private readonly config: TrackerConfig,
    private readonly swarms: SwarmRegistry,
    private readonly catalog: CatalogIndex,
    private readonly completions: CompletionLog,
    private readonly metrics: TrackerMetrics,
  ) {
    this.minInterval = Math.min(config.interval, 60);
  }

  /** Never throws: every problem becomes a `failure reason`. */
  announce(request: TrackerRequest): Buffer | Promise<Buffer> {
    let parsed: AnnounceRequest | undefined;
    try {
      parsed = parseAnnounceRequest(request.queryString);
      const answer = this.apply(parsed, request, Date.now());
      this.metrics.announces.inc({ event: parsed.event, result: 'ok' });
      return answer;
    } catch (error) {
      return this.failed(error, parsed);
    }
  }

  scrape(request: TrackerRequest): Buffer {
    try {
      const hashes = parseScrapeRequest(request.queryString, MAX_SCRAPE_HASHES);
      const files: BDict = {};
      for (const hash of hashes) {
        const hex = hash.toString('hex');
        if (this.config.mode === 'listed' && !this.catalog.has(hex)) continue;
        const c = this.swarms.counts(hex);
        files[hash.toString('latin1')] = {
          complete: c.seeders,
          incomplete: c.leechers,
          downloaded: c.completed,
        };
      }
      this.metrics.scrapes.inc({ result: 'ok' });
      return encode({ files });
    } catch (error) {
      this.metrics.scrapes.inc({ result: 'failure' });
      return failureBody(error);
    }
  }

  private failed(error: unknown, parsed: AnnounceRequest | undefined): Buffer {
    this.metrics.announces.inc({ event: parsed?.event ?? 'invalid', result: 'failure' });
    return failureBody(error);
  }

  private apply(req: AnnounceRequest, http: TrackerRequest, now: number): Buffer | Promise<Buffer> {
    const infoHash = req.infoHash;
    if (this.config.mode === 'listed' && !this.catalog.has(infoHash)) {
      throw new TrackerFailure(NOT_REGISTERED);
    }
    const address = clientAddress(http.socketAddress, http.forwardedFor, req.ip, this.config);
    const endpoint = peerEndpoint(address);
    if (endpoint === null) throw new TrackerFailure('cannot tell your IP address');
    const peerId = req.peerId;
    const known = this.swarms.find(infoHash, peerId);
    if (known !== undefined && known.ip !== endpoint.ip && known.key !== req.key) {
      // Without the key it was registered with, a second address must not take over the peer.
      throw new TrackerFailure('peer_id is in use from another address; send the same key');
    }

    if (req.event === 'stopped') {
      this.swarms.drop(infoHash, peerId);
      return this.answer(req, this.swarms.swarm(infoHash), undefined);
    }

    // A client repeating `completed` (or sending it as a known seeder) finished nothing new.
    const alreadyComplete = known !== undefined && known.left === 0;
    const paused = req.event === 'paused';
    // Fields written out, not spread: every peer object gets the same shape (and the spread
    // showed in profiles of the announce path).
    const peer: SwarmPeer = known ?? {
      peerId,
      ip: endpoint.ip,
      ipv4: endpoint.ipv4,
      ipv6: endpoint.ipv6,
      port: req.port,
      uploaded: 0,
      downloaded: 0,
      left: 0,
      paused,
      key: req.key,
      lastAnnounce: now,
      row: 0,
      slot: 0,
      seeding: false,
    };
    if (known !== undefined) {
      peer.ip = endpoint.ip;
      peer.ipv4 = endpoint.ipv4;
      peer.ipv6 = endpoint.ipv6;
    }
    peer.port = req.port;
    peer.uploaded = req.uploaded;
    peer.downloaded = req.downloaded;
    peer.left = req.left;
    peer.paused = paused;
    peer.key = req.key ?? peer.key;
    peer.lastAnnounce = now;
    peer.seeding = isSeeding(req.left, paused);
    const swarm = this.swarms.save(infoHash, peer);

    if (req.event === 'completed' && !alreadyComplete) {
      const peerIdHex = Buffer.from(peerId, 'latin1').toString('hex');
      return this.completions.record(infoHash, peerIdHex, endpoint.ip, now).then(
        () => this.answer(req, swarm, peer),
        () =>
          this.failed(new TrackerFailure('could not record the completion; announce again'), req),
      );
    }
    return this.answer(req, swarm, peer);
  }

  private answer(
    req: AnnounceRequest,
    swarm: Swarm | undefined,
    self: SwarmPeer | undefined,
  ): Buffer {
    const selected =
      req.event === 'stopped' || swarm === undefined ? [] : swarm.select(self, req.numwant);
    const counts = {
      complete: swarm?.seeders.length ?? 0,
      incomplete: swarm?.leechers.length ?? 0,
      interval: this.config.interval,
      minInterval: this.minInterval,
    };
    if (req.compact) return encodeCompactAnswer(counts, selected);
    const response: BDict = {
      interval: counts.interval,
      'min interval': counts.minInterval,
      complete: counts.complete,
      incomplete: counts.incomplete,
      peers: selected.map((p): BValue => {
        const entry: BDict = { ip: Buffer.from(p.ip, 'latin1'), port: p.port };
        if (!req.noPeerId) entry['peer id'] = Buffer.from(p.peerId, 'latin1');
        return entry;
      }),
    };
    return encode(response);
  }
}

function failureBody(error: unknown): Buffer {
  const reason = error instanceof TrackerFailure ? error.message : 'internal tracker error';
  return encode({ 'failure reason': Buffer.from(reason) });
}
