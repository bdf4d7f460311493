import { constants as fsc } from 'node:fs';
import { lstat, mkdir, open, rm, rmdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { resolveStoragePath } from './safe-path.js';
import { checkRange, StorageError, targetOf, type Storage, type StorageFile } from './storage.js';

export interface FileStorageOptions {
  /** Open file descriptors kept at most (a torrent may hold thousands of files). */
  maxOpenFiles?: number;
}

interface OpenFile {
  readonly fileIndex: number;
  readonly handle: Promise<FileHandle>;
  readonly writable: boolean;
  users: number;
  dirty: boolean;
  retired: boolean;
  /** Settles when the last write queued on this file is done (see writeSpan). */
  lastWrite: Promise<void>;
}

interface Span {
  fileIndex: number;
  filePosition: number;
  bufferOffset: number;
  length: number;
}

const WRITE_FLAGS = fsc.O_RDWR | fsc.O_CREAT | fsc.O_NOFOLLOW;

/**
 * Pieces written in place in the torrent's final files: no piece files to merge at the end.
 * A file is created (with its parent directories) on its first write and immediately sized to
 * its full length with ftruncate, which leaves it sparse where nothing was written yet.
 * Padding files (BEP 47) are never opened, created or deleted: their range reads as zeros and
 * writes to it are dropped (a peer's bytes there were hashed with the piece, so they are zeros).
 */
export class FileStorage implements Storage {
  private readonly files: StorageFile[];
  private readonly paths: string[];
  /** Indices of files with data, for the binary search from a torrent offset to a file. */
  private readonly dataFiles: number[];
  private readonly totalLength: number;
  private readonly maxOpenFiles: number;
  /** Insertion order is the LRU order: an entry is re-inserted on every use. */
  private readonly openFiles = new Map<number, OpenFile>();
  private readonly retiring = new Set<Promise<void>>();
  private readonly createdDirs = new Set<string>();
  private readonly dirsToSync = new Set<string>();
  private emptyFilesCreated = false;
  private deferredError: unknown = null;
  private closed = false;

  constructor(
    readonly saveDir: string,
    files: readonly StorageFile[],
    options: FileStorageOptions = {},
  ) {
    this.files = files.map((f) => ({
      path: [...f.path],
      length: f.length,
      offset: f.offset,
      padding: f.padding === true,
    }));
    let expected = 0;
    for (const f of this.files) {
      if (!Number.isSafeInteger(f.length) || f.length < 0 || f.offset !== expected) {
        throw new StorageError('BAD_LAYOUT', `file ${f.path.join('/')} is not contiguous`);
      }
      expected += f.length;
    }
    this.totalLength = expected;
    // Resolving every path up front means a hostile name fails at construction, before any I/O.
    this.paths = this.files.map((f) => resolveStoragePath(saveDir, f));
    this.dataFiles = this.files.flatMap((f, i) => (f.length > 0 ? [i] : []));
    this.maxOpenFiles = Math.max(1, options.maxOpenFiles ?? 16);
  }

  async read(offset: number, length: number, into?: Buffer): Promise<Buffer> {
    this.checkOpen();
    checkRange(this.totalLength, offset, length);
    const buffer = into ? targetOf(into, length) : Buffer.allocUnsafe(length);
    const reads: Promise<void>[] = [];
    for (const span of this.spans(offset, length)) {
      if (this.files[span.fileIndex]!.padding) {
        buffer.fill(0, span.bufferOffset, span.bufferOffset + span.length);
      } else reads.push(this.readSpan(span, buffer));
    }
    await Promise.all(reads);
    return buffer;
  }

  async write(offset: number, data: Buffer): Promise<void> {
    this.checkOpen();
    checkRange(this.totalLength, offset, data.length);
    if (!this.emptyFilesCreated) await this.createEmptyFiles();
    await Promise.all(
      this.spans(offset, data.length)
        .filter((span) => !this.files[span.fileIndex]!.padding)
        .map((span) => this.writeSpan(span, data)),
    );
  }

  async sync(): Promise<void> {
    this.checkOpen();
    const pending: Promise<void>[] = [...this.retiring];
    for (const entry of this.openFiles.values()) {
      if (!entry.dirty) continue;
      entry.dirty = false;
      pending.push(
        entry.handle
          .then((fh) => fh.sync())
          .catch((err: unknown) => {
            entry.dirty = true;
            throw ioError(`fsync ${this.paths[entry.fileIndex]}`, err);
          }),
      );
    }
    const dirs = [...this.dirsToSync];
    this.dirsToSync.clear();
    pending.push(...dirs.map((dir) => syncDirectory(dir)));
    await Promise.all(pending);
    if (this.deferredError !== null) {
      const err = this.deferredError;
      this.deferredError = null;
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.closeAllFiles();
  }

  /**
   * Removes the torrent's files and the directories they leave empty; never saveDir itself, and
   * nothing on a padding file's path, which was never ours (`.pad/` of another client, say).
   */
  async deleteData(): Promise<void> {
    await this.closeAllFiles();
    this.deferredError = null;
    this.emptyFilesCreated = false;
    this.createdDirs.clear();
    this.dirsToSync.clear();
    const root = path.resolve(this.saveDir);
    const dirs = new Set<string>();
    for (const [i, file] of this.paths.entries()) {
      if (this.files[i]!.padding) continue;
      await rm(file, { force: true });
      for (let dir = path.dirname(file); dir.startsWith(root + path.sep); dir = path.dirname(dir)) {
        dirs.add(dir);
      }
    }
    // Deepest first, so a parent is tried after its children are gone.
    for (const dir of [...dirs].sort((a, b) => b.length - a.length)) {
      await rmdir(dir).catch(() => undefined); // not empty (user files) or already gone
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('CLOSED', 'storage is closed');
  }

  private spans(offset: number, length: number): Span[] {
    const spans: Span[] = [];
    if (length === 0) return spans;
    let lo = 0;
    let hi = this.dataFiles.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.files[this.dataFiles[mid]!]!.offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    let position = offset;
    let remaining = length;
    for (let k = lo; remaining > 0 && k < this.dataFiles.length; k++) {
      const fileIndex = this.dataFiles[k]!;
      const file = this.files[fileIndex]!;
      const filePosition = position - file.offset;
      const take = Math.min(remaining, file.length - filePosition);
      spans.push({ fileIndex, filePosition, bufferOffset: position - offset, length: take });
      position += take;
      remaining -= take;
    }
    return spans;
  }

  private async readSpan(span: Span, buffer: Buffer): Promise<void> {
    const entry = await this.acquire(span.fileIndex, false);
    try {
      const fh = await entry.handle;
      let done = 0;
      while (done < span.length) {
        const { bytesRead } = await fh.read(
          buffer,
          span.bufferOffset + done,
          span.length - done,
          span.filePosition + done,
        );
        if (bytesRead === 0) {
          throw new StorageError(
            'MISSING_DATA',
            `${this.paths[span.fileIndex]} ends before byte ${span.filePosition + span.length}`,
          );
        }
        done += bytesRead;
      }
    } catch (err) {
      throw err instanceof StorageError ? err : ioError(`read ${this.paths[span.fileIndex]}`, err);
    } finally {
      this.release(entry);
    }
  }

  private async writeSpan(span: Span, data: Buffer): Promise<void> {
    const entry = await this.acquire(span.fileIndex, true);
    // One write at a time per file: the filesystem takes the file's lock for every buffered write
    // anyway, and writers queued on it spin on the CPU (a tenth of a fast download's CPU time).
    const previous = entry.lastWrite;
    let done!: () => void;
    entry.lastWrite = new Promise((resolve) => (done = resolve));
    try {
      await previous;
      const fh = await entry.handle;
      let done = 0;
      while (done < span.length) {
        const { bytesWritten } = await fh.write(
          data,
          span.bufferOffset + done,
          span.length - done,
          span.filePosition + done,
        );
        done += bytesWritten;
      }
      entry.dirty = true;
    } catch (err) {
      throw err instanceof StorageError ? err : ioError(`write ${this.paths[span.fileIndex]}`, err);
    } finally {
      done();
      this.release(entry);
    }
  }

  private async acquire(fileIndex: number, forWrite: boolean): Promise<OpenFile> {
    let entry = this.openFiles.get(fileIndex);
    if (entry && forWrite && !entry.writable) {
      this.openFiles.delete(fileIndex);
      this.retire(entry);
      entry = undefined;
    }
    if (entry) {
      this.openFiles.delete(fileIndex);
      this.openFiles.set(fileIndex, entry);
    } else {
      entry = {
        fileIndex,
        handle: forWrite ? this.openForWrite(fileIndex) : this.openForRead(fileIndex),
        writable: forWrite,
        users: 0,
        dirty: false,
        retired: false,
        lastWrite: Promise.resolve(),
      };
      this.openFiles.set(fileIndex, entry);
    }
    // Counted as a user before eviction runs, so the entry being acquired is never the one closed.
    entry.users++;
    this.evictIdle();
    try {
      await entry.handle;
    } catch (err) {
      entry.users--;
      // A failed open must not stay cached: the next call may succeed (file created meanwhile).
      if (this.openFiles.get(fileIndex) === entry) this.openFiles.delete(fileIndex);
      throw err;
    }
    return entry;
  }

  private release(entry: OpenFile): void {
    entry.users--;
    if (entry.users > 0) return;
    if (entry.retired) this.finishRetire(entry);
    // Bursts of concurrent I/O may hold more handles than the limit; trim once they go idle.
    else if (this.openFiles.size > this.maxOpenFiles) this.evictIdle();
  }

  private evictIdle(): void {
    for (const entry of this.openFiles.values()) {
      if (this.openFiles.size <= this.maxOpenFiles) return;
      if (entry.users > 0) continue;
      this.openFiles.delete(entry.fileIndex);
      this.retire(entry);
    }
  }

  private retire(entry: OpenFile): void {
    entry.retired = true;
    if (entry.users === 0) this.finishRetire(entry);
  }

  /** Closes a handle; a dirty one is fsynced first so that a later sync() still covers its writes. */
  private finishRetire(entry: OpenFile): void {
    const done = entry.handle
      .then(async (fh) => {
        try {
          if (entry.dirty) await fh.sync();
        } finally {
          await fh.close();
        }
      })
      .catch((err: unknown) => {
        if (entry.dirty)
          this.deferredError ??= ioError(`fsync ${this.paths[entry.fileIndex]}`, err);
      })
      .finally(() => this.retiring.delete(done));
    this.retiring.add(done);
  }

  private async closeAllFiles(): Promise<void> {
    for (const entry of this.openFiles.values()) this.retire(entry);
    this.openFiles.clear();
    while (this.retiring.size > 0) await Promise.all([...this.retiring]);
  }

  private async openForRead(fileIndex: number): Promise<FileHandle> {
    const file = this.paths[fileIndex]!;
    try {
      return await open(file, fsc.O_RDONLY);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        throw new StorageError('MISSING_DATA', `${file} does not exist`, { cause: err });
      }
      throw ioError(`open ${file}`, err);
    }
  }

  private async openForWrite(fileIndex: number): Promise<FileHandle> {
    const file = this.paths[fileIndex]!;
    const length = this.files[fileIndex]!.length;
    await this.ensureParentDir(file);
    let fh: FileHandle;
    try {
      // O_NOFOLLOW: a symlink planted in the save directory must not redirect our writes.
      fh = await open(file, WRITE_FLAGS, 0o666);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
        throw new StorageError('UNSAFE_PATH', `${file} is a symbolic link`, { cause: err });
      }
      throw ioError(`open ${file}`, err);
    }
    try {
      const { size } = await fh.stat();
      if (size < length) {
        await fh.truncate(length);
        if (size === 0) this.dirsToSync.add(path.dirname(file));
      }
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw ioError(`size ${file}`, err);
    }
    return fh;
  }

  private async ensureParentDir(file: string): Promise<void> {
    const dir = path.dirname(file);
    if (this.createdDirs.has(dir)) return;
    await this.refuseSymlinkedDirs(dir);
    try {
      const first = await mkdir(dir, { recursive: true });
      if (first !== undefined) {
        // Every directory from the parent of the first new one down needs its entry made durable.
        for (let d = dir; d.length >= first.length; d = path.dirname(d)) {
          this.dirsToSync.add(path.dirname(d));
        }
      }
    } catch (err) {
      throw ioError(`mkdir ${dir}`, err);
    }
    this.createdDirs.add(dir);
  }

  /**
   * The torrent's directories below saveDir must be real directories: a symlink planted there
   * (saveDir/name -> /elsewhere) would otherwise carry mkdir and every write out of saveDir.
   * saveDir itself may be a symlink; that is the user's choice.
   */
  private async refuseSymlinkedDirs(dir: string): Promise<void> {
    const root = path.resolve(this.saveDir);
    const relative = path.relative(root, dir);
    if (relative === '') return;
    let current = root;
    for (const component of relative.split(path.sep)) {
      current = path.join(current, component);
      let info;
      try {
        info = await lstat(current);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // the rest is created by us
        throw ioError(`stat ${current}`, err);
      }
      if (info.isSymbolicLink()) {
        throw new StorageError('UNSAFE_PATH', `${current} is a symbolic link`);
      }
    }
  }

  private async createEmptyFiles(): Promise<void> {
    for (let i = 0; i < this.files.length; i++) {
      if (this.files[i]!.length !== 0 || this.files[i]!.padding) continue;
      const file = this.paths[i]!;
      await this.ensureParentDir(file);
      try {
        const fh = await open(file, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_NOFOLLOW, 0o666);
        await fh.close();
      } catch (err) {
        throw ioError(`create ${file}`, err);
      }
      this.dirsToSync.add(path.dirname(file));
    }
    this.emptyFilesCreated = true;
  }
}

function ioError(action: string, err: unknown): StorageError {
  const detail = err instanceof Error ? err.message : String(err);
  return new StorageError('IO', `${action}: ${detail}`, { cause: err });
}

async function syncDirectory(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, fsc.O_RDONLY | fsc.O_DIRECTORY);
    await fh.sync();
  } catch (err) {
    throw ioError(`fsync directory ${dir}`, err);
  } finally {
    await fh?.close();
  }
}
