import { EventEmitter } from 'node:events';
import type { AgentEvent, Transfer } from '@swarmhub/api-types';

export const MIN_EVENT_INTERVAL_MS = 250;

/**
 * Turns the engine's bursts (a 'piece' event per verified piece, hundreds a second) into at most
 * one `transfer` event per transfer every 250 ms, always ending with the latest state: a change
 * inside the quiet period is sent when it ends. `removed` cancels any pending update, so nothing
 * about a transfer follows its removal.
 */
export class TransferEvents {
  private readonly emitter = new EventEmitter();
  private readonly lastSent = new Map<string, number>();
  private readonly lastJson = new Map<string, string>();
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly snapshot: (infoHash: string) => Transfer | undefined,
    private readonly minIntervalMs = MIN_EVENT_INTERVAL_MS,
  ) {
    // Every open event stream is a listener; the default cap of 10 would only warn.
    this.emitter.setMaxListeners(0);
  }

  subscribe(listener: (event: AgentEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /** Something about the transfer changed; its new state is sent now or at the end of the quiet period. */
  changed(infoHash: string): void {
    if (this.pending.has(infoHash)) return;
    const wait = (this.lastSent.get(infoHash) ?? -Infinity) + this.minIntervalMs - Date.now();
    if (wait <= 0) {
      this.send(infoHash);
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(infoHash);
      this.send(infoHash);
    }, wait);
    timer.unref();
    this.pending.set(infoHash, timer);
  }

  removed(infoHash: string): void {
    this.cancel(infoHash);
    this.lastSent.delete(infoHash);
    this.lastJson.delete(infoHash);
    this.emitter.emit('event', { event: 'removed', data: { infoHash } } satisfies AgentEvent);
  }

  close(): void {
    for (const hash of [...this.pending.keys()]) this.cancel(hash);
    this.emitter.removeAllListeners();
  }

  private cancel(infoHash: string): void {
    const timer = this.pending.get(infoHash);
    if (timer) clearTimeout(timer);
    this.pending.delete(infoHash);
  }

  private send(infoHash: string): void {
    const transfer = this.snapshot(infoHash);
    if (!transfer) return;
    // The periodic tick asks about idle transfers too; an unchanged state is not news.
    const json = JSON.stringify(transfer);
    if (this.lastJson.get(infoHash) === json) return;
    this.lastJson.set(infoHash, json);
    this.lastSent.set(infoHash, Date.now());
    this.emitter.emit('event', { event: 'transfer', data: transfer } satisfies AgentEvent);
  }
}
