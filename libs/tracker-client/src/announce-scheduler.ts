import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  DEFAULT_TIMEOUT_MS,
  type AnnouncePeer,
  type AnnounceRequest,
  type AnnounceResponse,
  type TrackerRequestOptions,
} from './announce.js';
import { announce as announceAny } from './client.js';
import { TrackerError } from './errors.js';

export interface TransferTotals {
  uploaded: number;
  downloaded: number;
  left: number;
}

export interface AnnounceSchedulerOptions {
  /** BEP 12 tiers, as `Metainfo.announceList` gives them. */
  announceList: string[][];
  infoHash: Buffer;
  peerId: Buffer;
  port: number;
  /** Read at every announce, so the tracker always sees current figures. */
  totals: () => TransferTotals;
  numwant?: number;
  key?: string;
  timeoutMs?: number;
  /** `stopped` is a courtesy on the way out: a dead tracker must not hold up shutdown. */
  stopTimeoutMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Floor for the tracker's interval, so a misconfigured tracker cannot make us hammer it. */
  minReannounceMs?: number;
  random?: () => number;
  /** The transport; by default HTTP(S) or UDP after the URL's scheme. */
  announce?: (
    url: string,
    req: AnnounceRequest,
    options: TrackerRequestOptions,
  ) => Promise<AnnounceResponse>;
}

/** What the UI shows per tracker (the engine's TrackerInfo). */
export interface TrackerStatus {
  url: string;
  tier: number;
  lastAnnounceAt?: string;
  lastResult?: string;
  seeders?: number;
  leechers?: number;
}

export interface AnnounceResult {
  url: string;
  ok: boolean;
  event?: 'started' | 'completed' | 'stopped';
  error?: string;
  code?: string;
  seeders?: number;
  leechers?: number;
  peers?: number;
  warning?: string;
}

interface TrackerEntry {
  status: TrackerStatus;
  /** This tracker has accepted an announce of ours, so it gets `stopped` at the end. */
  started: boolean;
  trackerId?: string;
}

/**
 * Keeps one torrent announced (BEP 3 events, BEP 12 tiers): `started` first, then at the
 * tracker's interval; `completed` once; `stopped` on stop. Within a tier the trackers are tried
 * in a shuffled order and the one that answers moves to the front. When every tracker fails the
 * next round waits with exponential backoff and jitter. Emits 'peers' (AnnouncePeer[]) and
 * 'result' (AnnounceResult); never 'error', since trackers failing is normal operation.
 */
export class AnnounceScheduler extends EventEmitter {
  private readonly tiers: TrackerEntry[][];
  private readonly key: string;
  private readonly random: () => number;
  private readonly announceFn: NonNullable<AnnounceSchedulerOptions['announce']>;
  private timer: NodeJS.Timeout | null = null;
  private nextAt: number | null = null;
  private running: Promise<void> | null = null;
  private runAgain = false;
  private abort: AbortController | null = null;
  private started = false;
  private stopped = false;
  private stopping: Promise<void> | null = null;
  private failures = 0;
  private completedPending = false;
  private completedSent = false;
  private lastSuccessAt = 0;
  private lastMinIntervalMs = 0;

  constructor(private readonly options: AnnounceSchedulerOptions) {
    super();
    this.random = options.random ?? Math.random;
    this.key = options.key ?? randomBytes(4).toString('hex');
    this.announceFn = options.announce ?? announceAny;
    const seen = new Set<string>();
    this.tiers = options.announceList
      .map((urls, tier) =>
        this.shuffle(
          urls
            .filter((url) => !seen.has(url) && seen.add(url))
            .map((url) => ({ status: { url, tier }, started: false })),
        ),
      )
      .filter((tier) => tier.length > 0);
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.trigger();
  }

  /** Announces `completed` now (once per scheduler, whatever the number of calls). */
  complete(): void {
    if (this.completedSent || this.completedPending || this.stopped) return;
    this.completedPending = true;
    if (this.started) this.trigger();
  }

  /**
   * Asks for more peers ahead of schedule, if the tracker's min interval (and our own floor)
   * allows it. While trackers are failing the backoff decides instead, so a peer-starved engine
   * calling this often cannot hammer a tracker that is down.
   */
  requestPeers(): void {
    if (!this.started || this.stopped || this.running || this.failures > 0) return;
    const floor = Math.max(this.lastMinIntervalMs, this.options.minReannounceMs ?? 30_000);
    if (Date.now() - this.lastSuccessAt < floor) return;
    this.trigger();
  }

  /** Sends `stopped` to every tracker that heard from us, in parallel and with a short timeout. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  trackers(): TrackerStatus[] {
    return this.tiers.flatMap((tier) => tier.map((entry) => ({ ...entry.status })));
  }

  /** When the next announce is due (ms since the epoch), or null when none is scheduled. */
  nextAnnounceAt(): number | null {
    return this.nextAt;
  }

  private async doStop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    this.abort?.abort();
    await this.running;
    const told = this.tiers.flat().filter((entry) => entry.started);
    const totals = this.options.totals();
    await Promise.all(
      told.map((entry) =>
        this.announceTo(entry, 'stopped', totals, {
          timeoutMs: this.options.stopTimeoutMs ?? 5_000,
        }).then((response) => {
          if (response) entry.started = false;
        }),
      ),
    );
  }

  private trigger(): void {
    this.clearTimer();
    if (this.running) {
      this.runAgain = true;
      return;
    }
    this.running = this.sweep()
      .catch(() => undefined) // sweep reports per tracker; nothing may escape as an unhandled rejection
      .finally(() => {
        this.running = null;
        if (this.runAgain && !this.stopped) {
          this.runAgain = false;
          this.trigger();
        }
      });
  }

  /** One BEP 12 round: tiers in order, trackers in order within a tier, until one answers. */
  private async sweep(): Promise<void> {
    if (this.tiers.length === 0) return;
    this.abort = new AbortController();
    const totals = this.options.totals();
    for (const tier of this.tiers) {
      for (let i = 0; i < tier.length; i++) {
        if (this.stopped) return;
        const entry = tier[i]!;
        const event = this.completedPending ? 'completed' : entry.started ? undefined : 'started';
        const response = await this.announceTo(entry, event, totals, {
          timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          signal: this.abort.signal,
        });
        if (!response) continue;
        entry.started = true;
        if (event === 'completed') {
          this.completedPending = false;
          this.completedSent = true;
        }
        tier.splice(i, 1);
        tier.unshift(entry);
        this.failures = 0;
        this.lastSuccessAt = Date.now();
        this.lastMinIntervalMs = (response.minInterval ?? 0) * 1000;
        const intervalMs = Math.max(response.interval, response.minInterval ?? 0) * 1000;
        if (!this.stopped)
          this.schedule(Math.max(intervalMs, this.options.minReannounceMs ?? 30_000));
        if (response.peers.length > 0) this.emit('peers', response.peers as AnnouncePeer[]);
        return;
      }
    }
    if (this.stopped) return;
    this.failures++;
    this.schedule(this.backoffDelay());
  }

  /** Announces to one tracker and records the outcome; null when it failed. */
  private async announceTo(
    entry: TrackerEntry,
    event: AnnounceRequest['event'],
    totals: TransferTotals,
    requestOptions: TrackerRequestOptions,
  ): Promise<AnnounceResponse | null> {
    const { status } = entry;
    const request: AnnounceRequest = {
      infoHash: this.options.infoHash,
      peerId: this.options.peerId,
      port: this.options.port,
      uploaded: totals.uploaded,
      downloaded: totals.downloaded,
      left: totals.left,
      numwant: event === 'stopped' ? 0 : (this.options.numwant ?? 50),
      key: this.key,
    };
    if (event) request.event = event;
    if (entry.trackerId !== undefined) request.trackerId = entry.trackerId;
    try {
      const response = await this.announceFn(status.url, request, requestOptions);
      status.lastAnnounceAt = new Date().toISOString();
      status.lastResult = response.warning
        ? `ok, ${response.peers.length} peers; warning: ${response.warning}`
        : `ok, ${response.peers.length} peers`;
      if (response.complete !== undefined) status.seeders = response.complete;
      if (response.incomplete !== undefined) status.leechers = response.incomplete;
      if (response.trackerId !== undefined) entry.trackerId = response.trackerId;
      const result: AnnounceResult = {
        url: status.url,
        ok: true,
        seeders: response.complete,
        leechers: response.incomplete,
        peers: response.peers.length,
      };
      if (event) result.event = event;
      if (response.warning) result.warning = response.warning;
      this.emit('result', result);
      return response;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      // An announce we aborted ourselves (stop) is not the tracker's failure.
      if (error instanceof TrackerError && error.code === 'ABORTED' && this.stopped) return null;
      status.lastAnnounceAt = new Date().toISOString();
      status.lastResult = `error: ${error.message}`;
      const result: AnnounceResult = { url: status.url, ok: false, error: error.message };
      if (error instanceof TrackerError) result.code = error.code;
      if (event) result.event = event;
      this.emit('result', result);
      return null;
    }
  }

  private backoffDelay(): number {
    const initial = this.options.backoffInitialMs ?? 15_000;
    const max = this.options.backoffMaxMs ?? 30 * 60_000;
    const base = Math.min(max, initial * 2 ** Math.min(this.failures - 1, 30));
    // ±25% jitter, so that many agents failing together do not retry in lockstep.
    return Math.min(max, Math.round(base * (0.75 + 0.5 * this.random())));
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.nextAt = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.nextAt = null;
      this.trigger();
    }, delayMs);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextAt = null;
  }

  private shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}
