import type { ResumeData, ResumeStore } from './resume/index.js';
import type { Storage } from './storage/index.js';

/**
 * Records verified pieces durably: storage is synced first, then the resume file is replaced
 * atomically (by ResumeStore). Saves are batched (the torrent marks dirty, saves every few
 * seconds, after every `bytesPerSave` of new data, and at completion or stop) and never overlap.
 *
 * The byte threshold matters at high rates: the kernel starts writing dirty pages back on its own
 * only at 10% of RAM, so without it a fast download reaches its end with up to a gigabyte unsynced
 * and the final save (the download is not done before it) waited on all of it at once.
 */
export class ResumeWriter {
  private dirty = false;
  private saving?: Promise<void>;
  private lastSaveAt = 0;
  private bytesSinceSave = 0;

  constructor(
    private readonly store: ResumeStore,
    private readonly snapshot: () => { storage: Storage; data: ResumeData } | undefined,
    private readonly intervalMs = 4000,
    private readonly bytesPerSave = 64 << 20,
  ) {}

  /** Something to record changed; `bytes` of new data were written to storage. */
  markDirty(bytes = 0): void {
    this.dirty = true;
    this.bytesSinceSave += bytes;
  }

  /** A save is due: dirty, none running, and the interval or the byte threshold since the last one reached. */
  due(now = Date.now()): boolean {
    return (
      this.dirty &&
      !this.saving &&
      (now - this.lastSaveAt >= this.intervalMs || this.bytesSinceSave >= this.bytesPerSave)
    );
  }

  async flush(): Promise<void> {
    while (this.saving) await this.saving.catch(() => undefined);
    if (!this.dirty) return;
    const snap = this.snapshot();
    if (!snap) return;
    this.dirty = false;
    this.bytesSinceSave = 0;
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
