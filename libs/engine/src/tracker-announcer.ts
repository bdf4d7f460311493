import { EventEmitter } from 'node:events';
import { announce, type AnnounceRequest, type AnnouncePeer } from '@swarmhub/tracker-client';
import type { TrackerInfo } from './types.js';

export interface AnnounceCounters {
  uploaded: number;
  downloaded: number;
  left: number;
}

interface TrackerEntry {
  url: string;
  tier: number;
  info: TrackerInfo;
}

// A floor under what trackers ask for: a broken tracker saying 0 must not make us hammer it.
const MIN_INTERVAL_S = 5;
const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Announces one torrent to its trackers: BEP 12 tiers (the first tracker of a tier that answers
 * moves to its front), re-announce at the tracker's interval, exponential backoff while every
 * tracker fails. Emits 'peers' (AnnouncePeer[]) and 'result' ({url, ok, error?}).
 */
export class TrackerAnnouncer extends EventEmitter {
  private readonly tiers: TrackerEntry[][];
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private running = false;
  private inFlight?: Promise<void>;
  private trackerId?: string;
  private readonly key = Math.floor(Math.random() * 0xffffffff).toString(16);

  constructor(
    announceList: string[][],
    private readonly request: () => Omit<AnnounceRequest, 'event' | 'key' | 'trackerId'>,
  ) {
    super();
    this.tiers = announceList
      .map((tier, t) =>
        tier
          .filter((url) => /^https?:\/\//i.test(url))
          .map((url) => ({ url, tier: t, info: { url, tier: t } as TrackerInfo })),
      )
      .filter((tier) => tier.length > 0);
  }

  trackers(): TrackerInfo[] {
    return this.tiers.flat().map((e) => ({ ...e.info }));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0, 'started');
  }

  /** Announce now (e.g. 'completed'), then carry on at the interval. */
  announceNow(event?: 'completed'): void {
    if (!this.running) return;
    this.schedule(0, event);
  }

  async stop(timeoutMs = 3000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.inFlight?.catch(() => undefined);
    if (this.tiers.length === 0) return;
    await this.announceOnce('stopped', timeoutMs).catch(() => undefined);
  }

  private schedule(delayMs: number, event?: 'started' | 'completed'): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.tiers.length === 0) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.announceOnce(event, 15_000).then(
        (intervalS) => {
          this.failures = 0;
          if (this.running) this.schedule(Math.max(intervalS, MIN_INTERVAL_S) * 1000);
        },
        () => {
          this.failures++;
          // A 'started' that never got through is repeated, so the tracker learns about us.
          const retry = Math.min(MAX_BACKOFF_MS, 5000 * 2 ** (this.failures - 1));
          if (this.running) this.schedule(retry, event);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  /** Tries each tier in order and each tracker of a tier in order; resolves with the interval in seconds. */
  private async announceOnce(event: AnnounceRequest['event'], timeoutMs: number): Promise<number> {
    let lastError: unknown = new Error('no trackers');
    for (const tier of this.tiers) {
      for (let i = 0; i < tier.length; i++) {
        const entry = tier[i]!;
        entry.info.lastAnnounceAt = new Date().toISOString();
        try {
          const res = await announce(
            entry.url,
            {
              ...this.request(),
              event,
              key: this.key,
              trackerId: this.trackerId,
              numwant: event === 'stopped' ? 0 : 80,
            },
            { timeoutMs },
          );
          if (res.trackerId) this.trackerId = res.trackerId;
          entry.info.lastResult = res.warning ? `ok (warning: ${res.warning})` : 'ok';
          entry.info.seeders = res.complete;
          entry.info.leechers = res.incomplete;
          tier.splice(i, 1);
          tier.unshift(entry);
          this.emit('result', {
            url: entry.url,
            ok: true,
            seeders: res.complete,
            leechers: res.incomplete,
          });
          if (res.peers.length > 0) this.emit('peers', res.peers as AnnouncePeer[]);
          return res.interval;
        } catch (err) {
          lastError = err;
          entry.info.lastResult = `error: ${(err as Error).message}`;
          this.emit('result', { url: entry.url, ok: false, error: (err as Error).message });
        }
      }
    }
    throw lastError;
  }
}
