import { mkdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Settings } from '@swarmhub/api-types';
import { writeFileAtomic } from './atomic-file.js';

const infoHash = z.string().regex(/^[0-9a-f]{40}$/);
const limitValue = z.number().int().min(0);
const limitsSchema = z.object({
  uploadRateLimit: limitValue.optional(),
  downloadRateLimit: limitValue.optional(),
  maxConnections: limitValue.optional(),
});

const transferRecordSchema = z.object({
  infoHash,
  // A magnet transfer keeps its link until the metadata arrives; then the .torrent is stored and
  // the source becomes 'torrent', so a restart needs no peers to know the files.
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('torrent') }),
    z.object({ kind: z.literal('magnet'), magnet: z.string() }),
  ]),
  saveDir: z.string(),
  paused: z.boolean(),
  limits: limitsSchema,
  addedAt: z.string(),
});

const stateSchema = z.object({
  version: z.literal(1),
  settings: z.object({
    uploadRateLimit: limitValue,
    downloadRateLimit: limitValue,
    maxConnections: limitValue,
  }),
  transfers: z.array(transferRecordSchema),
});

export type TransferRecord = z.infer<typeof transferRecordSchema>;
type StateFile = z.infer<typeof stateSchema>;

export const DEFAULT_SETTINGS: Settings = {
  uploadRateLimit: 0,
  downloadRateLimit: 0,
  maxConnections: 0,
};

/**
 * The agent's durable state: which transfers exist, where they save, paused or not, their
 * limits, and the global settings. Every change is written (atomically) before the caller's
 * promise resolves, so an acknowledged change survives kill -9. The .torrent of each transfer
 * lives beside it in torrents/<infoHash>.torrent.
 */
export class StateStore {
  private state: StateFile = { version: 1, settings: { ...DEFAULT_SETTINGS }, transfers: [] };
  private writeChain: Promise<void> = Promise.resolve();

  constructor(private readonly dataDir: string) {}

  get statePath(): string {
    return join(this.dataDir, 'state.json');
  }

  private get torrentDir(): string {
    return join(this.dataDir, 'torrents');
  }

  /** Reads the state file. A file that cannot be read as state is moved aside, never lost. */
  async load(): Promise<{ warning?: string }> {
    await mkdir(this.torrentDir, { recursive: true, mode: 0o700 });
    let text: string;
    try {
      text = await readFile(this.statePath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    let parsed: ReturnType<typeof stateSchema.safeParse>;
    try {
      parsed = stateSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = stateSchema.safeParse(undefined);
    }
    if (!parsed.success) {
      const aside = `${this.statePath}.unreadable-${Date.now()}`;
      await rename(this.statePath, aside);
      return { warning: `state file was unreadable; moved to ${aside} and starting empty` };
    }
    this.state = parsed.data;
    return {};
  }

  transfers(): readonly TransferRecord[] {
    return this.state.transfers;
  }

  get(hash: string): TransferRecord | undefined {
    return this.state.transfers.find((t) => t.infoHash === hash);
  }

  settings(): Settings {
    return { ...this.state.settings };
  }

  async add(record: TransferRecord, torrent?: Uint8Array): Promise<void> {
    if (torrent) await this.saveTorrentFile(record.infoHash, torrent);
    this.state.transfers = [
      ...this.state.transfers.filter((t) => t.infoHash !== record.infoHash),
      record,
    ];
    await this.persist();
  }

  async update(hash: string, change: (record: TransferRecord) => void): Promise<void> {
    const record = this.get(hash);
    if (!record) return;
    change(record);
    await this.persist();
  }

  /** Keeps the .torrent once a magnet's metadata is known. */
  async storeMetadata(hash: string, torrent: Uint8Array): Promise<void> {
    await this.saveTorrentFile(hash, torrent);
    await this.update(hash, (r) => {
      r.source = { kind: 'torrent' };
    });
  }

  async remove(hash: string): Promise<void> {
    this.state.transfers = this.state.transfers.filter((t) => t.infoHash !== hash);
    await this.persist();
    await unlink(this.torrentPath(hash)).catch(() => undefined);
  }

  async setSettings(settings: Settings): Promise<void> {
    this.state.settings = { ...settings };
    await this.persist();
  }

  async loadTorrentFile(hash: string): Promise<Buffer | null> {
    try {
      return await readFile(this.torrentPath(hash));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  private torrentPath(hash: string): string {
    return join(this.torrentDir, `${infoHash.parse(hash)}.torrent`);
  }

  private async saveTorrentFile(hash: string, torrent: Uint8Array): Promise<void> {
    await writeFileAtomic(this.torrentPath(hash), torrent);
  }

  /** Writes are serialised so a slower earlier write can never land after a later one. */
  private persist(): Promise<void> {
    const snapshot = JSON.stringify(this.state, null, 2);
    const write = this.writeChain.then(() => writeFileAtomic(this.statePath, snapshot));
    this.writeChain = write.catch(() => undefined);
    return write;
  }
}
