import type { ResumeData, ResumeStore } from './resume/index.js';
import type { Storage } from './storage/index.js';

/**
 * Records verified pieces durably: storage is synced first, then the resume file is replaced
 * atomically (by ResumeStore). Saves are batched (the torrent marks dirty, saves every few
 * seconds and at completion or stop) and never overlap.
 */
export class ResumeWriter {
  private dirty = false;
  private saving?: Promise<void>;
  private lastSaveAt = 0;

  constructor(
    private readonly store: ResumeStore,
    private readonly snapshot: () => { storage: Storage; data: ResumeData } | undefined,
    private readonly intervalMs = 4000,
  ) {}

  markDirty(): void {
    this.dirty = true;
  }

  /** A save is due: dirty, none running, and the interval since the last one has passed. */
  due(now = Date.now()): boolean {
    return this.dirty && !this.saving && now - this.lastSaveAt >= this.intervalMs;
  }

  async flush(): Promise<void> {
    while (this.saving) await this.saving.catch(() => undefined);
    if (!this.dirty) return;
    const snap = this.snapshot();
    if (!snap) return;
    this.dirty = false;
    this.lastSaveAt = Date.now();
    this.saving = (async () => {
      await snap.storage.sync();
      await this.store.save(snap.data);
    })();
    try {
      await this.saving;
    } catch (err) {
      this.dirty = true;
      throw err;
    } finally {
      this.saving = undefined;
    }
  }
}
