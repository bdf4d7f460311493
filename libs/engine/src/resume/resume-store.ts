import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import path from 'node:path';
import { tempPrefix, writeFileAtomic, type AtomicFileSystem } from './atomic-file.js';

export interface ResumeData {
  infoHash: string;
  /** Verified pieces, BEP 3 bitfield layout (piece 0 is the high bit of byte 0). */
  bitfield: Buffer;
  pieceCount: number;
  uploaded: number;
  downloaded: number;
  savedAt: string;
}

export type ResumeErrorCode = 'BAD_INFO_HASH' | 'BAD_DATA' | 'IO';

export class ResumeError extends Error {
  override readonly name = 'ResumeError';
  constructor(
    readonly code: ResumeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ResumeStoreOptions {
  /** Told why a resume file was ignored (the torrent then gets a recheck). */
  onInvalid?: (infoHash: string, reason: string) => void;
  /** Filesystem used for atomic writes; tests inject failures through it. */
  fileSystem?: AtomicFileSystem;
}

const FORMAT = 'swarmhub-resume';
const VERSION = 1;
/** Resume files are tiny (a bitfield); anything bigger than this is not ours. */
const MAX_RESUME_FILE = 16 << 20;
const MAX_TORRENT_FILE = 64 << 20;
/** Bounds the bitfield a corrupt file could make us allocate. */
const MAX_PIECE_COUNT = 1 << 26;
const INFO_HASH = /^[0-9a-f]{40}$/;

interface ResumeFile {
  format: string;
  version: number;
  infoHash: string;
  pieceCount: number;
  bitfield: string;
  uploaded: number;
  downloaded: number;
  savedAt: string;
  checksum: string;
}

/**
 * Per-torrent state that survives restarts: `<dir>/<infoHash>.resume` (which pieces are verified,
 * transfer totals) and `<dir>/<infoHash>.torrent`. Every write is atomic, and a resume file
 * carries a checksum, because a bitfield that claims pieces we lack would make us serve garbage.
 */
export class ResumeStore {
  private readonly saving = new Map<string, Promise<void>>();
  private dirReady: Promise<unknown> | null = null;

  constructor(
    readonly dir: string,
    private readonly options: ResumeStoreOptions = {},
  ) {}

  async load(infoHash: string): Promise<ResumeData | null> {
    checkInfoHash(infoHash);
    const raw = await readLimited(this.resumePath(infoHash), MAX_RESUME_FILE);
    if (raw === 'missing') return null;
    if (raw === 'too-large') return this.invalid(infoHash, 'file too large');
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      return this.invalid(infoHash, 'not valid JSON');
    }
    const problem = validate(parsed, infoHash);
    if (problem !== null) return this.invalid(infoHash, problem);
    const file = parsed as ResumeFile;
    return {
      infoHash: file.infoHash,
      bitfield: Buffer.from(file.bitfield, 'base64'),
      pieceCount: file.pieceCount,
      uploaded: file.uploaded,
      downloaded: file.downloaded,
      savedAt: file.savedAt,
    };
  }

  /** Saves of the same torrent are applied in call order; the last one wins on disk. */
  async save(data: ResumeData): Promise<void> {
    checkInfoHash(data.infoHash);
    const problem = checkData(data);
    if (problem !== null) throw new ResumeError('BAD_DATA', problem);
    const body: Omit<ResumeFile, 'checksum'> = {
      format: FORMAT,
      version: VERSION,
      infoHash: data.infoHash,
      pieceCount: data.pieceCount,
      bitfield: data.bitfield.toString('base64'),
      uploaded: data.uploaded,
      downloaded: data.downloaded,
      savedAt: data.savedAt,
    };
    const file: ResumeFile = { ...body, checksum: checksumOf(body) };
    await this.serialized(`${data.infoHash}.resume`, () =>
      this.write(this.resumePath(data.infoHash), JSON.stringify(file)),
    );
  }

  async saveTorrentFile(infoHash: string, torrent: Buffer): Promise<void> {
    checkInfoHash(infoHash);
    await this.serialized(`${infoHash}.torrent`, () =>
      this.write(this.torrentPath(infoHash), torrent),
    );
  }

  async loadTorrentFile(infoHash: string): Promise<Buffer | null> {
    checkInfoHash(infoHash);
    const raw = await readLimited(this.torrentPath(infoHash), MAX_TORRENT_FILE);
    if (raw === 'missing') return null;
    if (raw === 'too-large') return this.invalid(infoHash, '.torrent file too large');
    return raw;
  }

  /** Removes the torrent's files, including temp files a crash may have left. */
  async remove(infoHash: string): Promise<void> {
    checkInfoHash(infoHash);
    await Promise.all([...this.saving.values()].map((p) => p.catch(() => undefined)));
    const targets = [this.resumePath(infoHash), this.torrentPath(infoHash)];
    const prefixes = targets.map(tempPrefix);
    let entries: string[];
    try {
      entries = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw ioError('list', this.dir, err);
    }
    const doomed = entries
      .filter((name) => prefixes.some((p) => name.startsWith(p) && name.endsWith('.tmp')))
      .map((name) => path.join(this.dir, name))
      .concat(targets);
    for (const file of doomed) {
      await fs.rm(file, { force: true }).catch((err: unknown) => {
        throw ioError('remove', file, err);
      });
    }
  }

  private resumePath(infoHash: string): string {
    return path.join(this.dir, `${infoHash}.resume`);
  }

  private torrentPath(infoHash: string): string {
    return path.join(this.dir, `${infoHash}.torrent`);
  }

  private invalid(infoHash: string, reason: string): null {
    this.options.onInvalid?.(infoHash, reason);
    return null;
  }

  private async write(target: string, data: Buffer | string): Promise<void> {
    this.dirReady ??= makeDurableDir(this.dir).catch((err: unknown) => {
      this.dirReady = null;
      throw err;
    });
    try {
      await this.dirReady;
      await writeFileAtomic(target, data, this.options.fileSystem);
    } catch (err) {
      throw ioError('write', target, err);
    }
  }

  private serialized(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.saving.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(task);
    this.saving.set(key, run);
    const cleanup = () => {
      if (this.saving.get(key) === run) this.saving.delete(key);
    };
    run.then(cleanup, cleanup);
    return run;
  }
}

/** mkdir -p whose new entries survive a power loss, like the files that go in them. */
async function makeDurableDir(dir: string): Promise<void> {
  const first = await fs.mkdir(dir, { recursive: true });
  if (first === undefined) return;
  for (let d = path.resolve(dir); d.length >= first.length; d = path.dirname(d)) {
    const fh = await fs.open(path.dirname(d), 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
}

function checkInfoHash(infoHash: string): void {
  // The info hash becomes a file name: only the canonical form is accepted.
  if (typeof infoHash !== 'string' || !INFO_HASH.test(infoHash)) {
    throw new ResumeError(
      'BAD_INFO_HASH',
      `not a 40-digit lowercase hex info hash: ${String(infoHash).slice(0, 60)}`,
    );
  }
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** Null when `data` is consistent, else what is wrong. */
function checkData(data: {
  pieceCount: unknown;
  bitfield: Buffer;
  uploaded: unknown;
  downloaded: unknown;
  savedAt: unknown;
}): string | null {
  if (!isCount(data.pieceCount) || data.pieceCount === 0 || data.pieceCount > MAX_PIECE_COUNT) {
    return `bad piece count ${String(data.pieceCount)}`;
  }
  const byteLength = Math.ceil(data.pieceCount / 8);
  if (data.bitfield.length !== byteLength) {
    return `bitfield is ${data.bitfield.length} bytes, ${data.pieceCount} pieces need ${byteLength}`;
  }
  const spare = byteLength * 8 - data.pieceCount;
  if (spare > 0 && (data.bitfield[byteLength - 1]! & ((1 << spare) - 1)) !== 0) {
    return 'bitfield has bits set beyond the last piece';
  }
  if (!isCount(data.uploaded) || !isCount(data.downloaded)) return 'bad transfer totals';
  if (typeof data.savedAt !== 'string' || Number.isNaN(Date.parse(data.savedAt))) {
    return 'bad savedAt';
  }
  return null;
}

function validate(parsed: unknown, infoHash: string): string | null {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return 'not an object';
  const file = parsed as Partial<ResumeFile>;
  if (file.format !== FORMAT || file.version !== VERSION) return 'unknown format or version';
  if (file.infoHash !== infoHash) return `written for another torrent (${String(file.infoHash)})`;
  if (typeof file.bitfield !== 'string' || typeof file.checksum !== 'string')
    return 'fields missing';
  const bitfield = Buffer.from(file.bitfield, 'base64');
  // Node's base64 decoder skips junk silently; a strict round trip catches altered text.
  if (bitfield.toString('base64') !== file.bitfield) return 'bitfield is not canonical base64';
  const problem = checkData({ ...file, bitfield } as Parameters<typeof checkData>[0]);
  if (problem !== null) return problem;
  const { checksum, ...body } = file as ResumeFile;
  if (checksumOf(body) !== checksum) return 'checksum mismatch';
  return null;
}

/** SHA-1 over the fields in a fixed order, independent of how the JSON was laid out. */
function checksumOf(body: Omit<ResumeFile, 'checksum'>): string {
  const canonical = [
    body.format,
    body.version,
    body.infoHash,
    body.pieceCount,
    body.bitfield,
    body.uploaded,
    body.downloaded,
    body.savedAt,
  ].join('\n');
  return createHash('sha1').update(canonical).digest('hex');
}

async function readLimited(file: string, limit: number): Promise<Buffer | 'missing' | 'too-large'> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    throw ioError('open', file, err);
  }
  try {
    const info = await fh.stat();
    if (!info.isFile()) return 'missing';
    if (info.size > limit) return 'too-large';
    return await fh.readFile();
  } catch (err) {
    throw ioError('read', file, err);
  } finally {
    await fh.close();
  }
}

function ioError(action: string, file: string, err: unknown): ResumeError {
  if (err instanceof ResumeError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new ResumeError('IO', `${action} ${file}: ${detail}`, { cause: err });
}
