import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTorrent, type Metainfo } from '@swarmhub/metainfo';
import { Session, type SessionOptions, type Torrent } from '../../src/index.js';

export async function tempDir(
  prefix = 'swarmhub-engine-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes files of random bytes under `root/name` and makes a torrent of them. */
export async function makeTorrent(
  root: string,
  name: string,
  files: Record<string, number>,
  options: { pieceLength?: number; trackers?: string[] } = {},
): Promise<{ metainfo: Metainfo; torrent: Buffer; dataPath: string }> {
  const entries = Object.entries(files);
  const single = entries.length === 1 && entries[0]![0] === '';
  const dataPath = path.join(root, name);
  if (single) {
    await mkdir(root, { recursive: true });
    await writeFile(dataPath, randomBytes(entries[0]![1]));
  } else {
    for (const [rel, size] of entries) {
      const file = path.join(dataPath, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, randomBytes(size));
    }
  }
  const { metainfo, torrent } = await createTorrent(dataPath, {
    pieceLength: options.pieceLength ?? 32 * 1024,
    trackers: options.trackers ?? [],
  });
  return { metainfo, torrent, dataPath };
}

export async function sha256File(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** SHA-256 of every file of the torrent under `saveDir`, in torrent order. */
export async function hashTorrentData(saveDir: string, metainfo: Metainfo): Promise<string[]> {
  return Promise.all(metainfo.files.map((f) => sha256File(path.join(saveDir, ...f.path))));
}

export function waitForDone(torrent: Torrent): Promise<void> {
  return new Promise((resolve, reject) => {
    if (torrent.stats().state === 'seeding') return resolve();
    torrent.once('done', () => resolve());
    torrent.on('state', (s: string) => {
      if (s === 'error') reject(new Error(torrent.stats().error));
    });
  });
}

export function waitForEvent<T = unknown>(emitter: NodeJS.EventEmitter, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, (v: T) => resolve(v)));
}

/** A session listening on 127.0.0.1 (OS-chosen port), closed by the test's cleanups. */
export async function loopbackSession(
  resumeDir: string,
  cleanups: (() => Promise<unknown>)[],
  options: Partial<SessionOptions> = {},
): Promise<Session> {
  const session = await Session.create({
    ...options,
    resumeDir,
    peerPort: 0,
    listenHost: '127.0.0.1',
  });
  cleanups.push(() => session.close());
  return session;
}
