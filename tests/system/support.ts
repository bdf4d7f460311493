// Helpers for the whole-system tests: the parts run as the built programs a user starts
// (`node apps/tracker-api/dist/main.js`, `node apps/peer-agent/bin/peer-agent.js ...`), each a
// real process on 127.0.0.1, stopped by its PID.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TorrentDetail } from '@swarmhub/api-types';
import { afterAll, beforeAll } from 'vitest';
import { sha256File, tempDir } from '../../test-support/files.js';
import { freePort } from '../../test-support/ports.js';
import { spawnProc, type Proc } from '../../test-support/processes.js';
import { assertRunning, waitFor } from '../../test-support/wait.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const TRACKER_MAIN = path.join(REPO_ROOT, 'apps', 'tracker-api', 'dist', 'main.js');
export const PEER_AGENT_BIN = path.join(REPO_ROOT, 'apps', 'peer-agent', 'bin', 'peer-agent.js');

/**
 * Builds the tracker and the agent the way `npm start` does. Several test files build at once
 * under vitest's parallel workers; a lock keeps their `tsc -b` runs from writing the same
 * `dist/` files together.
 */
export function buildApps(): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'flock',
      [
        path.join(os.tmpdir(), 'swarmhub-system-tests-build.lock'),
        'npx',
        'tsc',
        '-b',
        'apps/tracker-api',
        'apps/peer-agent',
      ],
      { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`build failed: ${error.message}\n${stdout}\n${stderr}`));
        else resolve();
      },
    );
  });
}

/** The built CLI as a user runs it: `node apps/peer-agent/bin/peer-agent.js <args>`. */
export function peerAgent(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return spawnProc(process.execPath, [PEER_AGENT_BIN, ...args], `peer-agent ${args[0]}`, {
    cwd: REPO_ROOT,
    env,
  });
}

/** Runs the CLI to its end; rejects with its output when it exits non-zero. */
export async function peerAgentRun(args: string[], limitMs = 120_000): Promise<string> {
  const proc = peerAgent(args);
  const timer = setTimeout(() => void proc.stop('SIGKILL'), limitMs);
  const code = await proc.exited;
  clearTimeout(timer);
  if (code !== 0)
    throw new Error(`peer-agent ${args.join(' ')} exited ${code}:\n${proc.output.slice(-3000)}`);
  return proc.output;
}

export interface RunningTracker {
  proc: Proc;
  url: string;
  announceUrl: string;
  stop: () => Promise<number | null>;
}

/** The real tracker, `node apps/tracker-api/dist/main.js`, configured through its environment. */
export async function startTracker(
  databasePath: string,
  options: { port?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningTracker> {
  const port = options.port ?? (await freePort());
  const proc = spawnProc(process.execPath, [TRACKER_MAIN], 'tracker', {
    cwd: REPO_ROOT,
    env: {
      TRACKER_PORT: String(port),
      TRACKER_HOST: '127.0.0.1',
      TRACKER_DATABASE_PATH: databasePath,
      TRACKER_LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`the tracker's /health on ${url}`, async () => {
      assertRunning(proc);
      const res = await fetch(`${url}/health`);
      return res.ok;
    });
  } catch (error) {
    await proc.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n${proc.output.slice(-3000)}`, { cause: error });
  }
  return { proc, url, announceUrl: `${url}/announce`, stop: () => proc.stop('SIGINT') };
}

export async function getJson<T = Record<string, unknown>>(
  url: string,
  init?: RequestInit,
): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Every regular file below `root`, by relative path, with its SHA-256. */
export async function hashTree(root: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) result[path.relative(root, full)] = await sha256File(full);
    }
  };
  await walk(root);
  return result;
}

/** BEP 3 scrape: the 20 raw bytes of the info hash, percent-encoded. */
export function binaryParam(bytes: Buffer): string {
  return [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** An agent session's own state directory, and peers on 127.0.0.1 at a port the OS picks. */
function sessionArgs(dataDir: string): string[] {
  return ['--data-dir', dataDir, '--peer-port', '0', '--listen-host', '127.0.0.1'];
}

/**
 * `peer-agent download` on 127.0.0.1: the arguments of every downloader in these tests, whose
 * only way to find a peer is the tracker.
 */
export function downloadArgs(source: string, out: string, dataDir: string): string[] {
  return ['download', source, '--out', out, ...sessionArgs(dataDir)];
}

/** The totals the CLI prints when a `seed` or `download` session ends, if it printed them. */
export function sessionTotals(
  output: string,
): { downloaded: number; uploaded: number } | undefined {
  const match = /session: downloaded (\d+) bytes, uploaded (\d+) bytes/.exec(output);
  return match ? { downloaded: Number(match[1]), uploaded: Number(match[2]) } : undefined;
}

/** One torrent of the tracker's catalog, read through `GET /api/v1/torrents/:infoHash`. */
export class CatalogTorrent {
  constructor(
    readonly trackerUrl: string,
    readonly infoHash: string,
  ) {}

  get url(): string {
    return `${this.trackerUrl}/api/v1/torrents/${this.infoHash}`;
  }

  detail(): Promise<TorrentDetail> {
    return getJson<TorrentDetail>(this.url);
  }

  /**
   * Polls the detail until `accept` holds and returns that detail. With `whileRunning`, fails
   * as soon as that process has exited, since it is what the wait depends on.
   */
  until(
    accept: (detail: TorrentDetail) => boolean,
    what: string,
    options: { limitMs?: number; whileRunning?: Proc } = {},
  ): Promise<TorrentDetail> {
    const { whileRunning } = options;
    return waitFor(
      what,
      async () => {
        assertRunning(whileRunning);
        const detail = await this.detail();
        return accept(detail) ? detail : undefined;
      },
      options.limitMs,
    );
  }

  /**
   * Waits until the catalog counts `completed` completions and no leecher: every downloader
   * announced `completed` and then `stopped` (or went on as a seeder).
   */
  untilCompleted(completed: number, what: string): Promise<TorrentDetail> {
    return this.until((d) => d.completed === completed && d.leechers === 0, what);
  }
}

/**
 * `peer-agent create <source> --tracker <announce> --out <torrentFile> --publish <tracker>`:
 * the torrent made by our CLI and listed in the catalog. Fails with the CLI's output when it
 * prints no info hash.
 */
export async function createAndPublish(
  tracker: Pick<RunningTracker, 'url' | 'announceUrl'>,
  source: string,
  torrentFile: string,
  extraArgs: string[] = [],
): Promise<{ output: string; infoHash: string; torrent: CatalogTorrent }> {
  const output = await peerAgentRun([
    'create',
    source,
    '--tracker',
    tracker.announceUrl,
    '--out',
    torrentFile,
    '--publish',
    tracker.url,
    ...extraArgs,
  ]);
  const infoHash = /info hash:\s+([0-9a-f]{40})/.exec(output)?.[1];
  if (!infoHash) throw new Error(`no info hash in:\n${output}`);
  return { output, infoHash, torrent: new CatalogTorrent(tracker.url, infoHash) };
}

/** What every test file here shares: its temp directory, its tracker, and its processes. */
export interface SystemTest {
  /** This file's temp directory, removed after its last test. */
  readonly dir: string;
  /** The tracker started before the first test (or last started by `startTracker`). */
  readonly tracker: RunningTracker;
  /** Starts a tracker that is stopped (SIGINT) after the last test if it still runs. */
  startTracker(
    databasePath: string,
    options?: { port?: number; env?: NodeJS.ProcessEnv },
  ): Promise<RunningTracker>;
  /** Kills `proc` (SIGKILL, by PID) after the last test if it still runs. */
  track<P extends Proc>(proc: P): P;
  /** Runs `cleanup` after the last test, before the temp directory is removed. */
  onCleanup(cleanup: () => Promise<void> | void): void;
  /**
   * `peer-agent seed` on 127.0.0.1 with a peer port the OS picks, tracked, resolved once it says
   * it is seeding.
   */
  startSeeder(
    torrentFile: string,
    data: string,
    dataDir: string,
    extraArgs?: string[],
  ): Promise<Proc>;
}

/**
 * Registers the file's `beforeAll` (build the apps, make the temp directory, start the tracker
 * with its database at `trackerDatabase` below it, unless that is `false`) and its `afterAll`
 * (undo all of it, the last started first).
 */
export function useSystemTest(
  prefix: string,
  options: { trackerDatabase?: string | false } = {},
): SystemTest {
  const trackerDatabase = options.trackerDatabase ?? 'tracker.sqlite';
  let work: { dir: string; cleanup: () => Promise<void> } | undefined;
  let tracker: RunningTracker | undefined;
  const cleanups: (() => Promise<unknown> | unknown)[] = [];

  const system: SystemTest = {
    get dir() {
      if (!work) throw new Error('the temp directory exists only once beforeAll has run');
      return work.dir;
    },
    get tracker() {
      if (!tracker) throw new Error('no tracker has been started');
      return tracker;
    },
    async startTracker(databasePath, trackerOptions) {
      const started = await startTracker(databasePath, trackerOptions);
      cleanups.push(() => started.stop());
      tracker = started;
      return started;
    },
    track(proc) {
      cleanups.push(() => proc.stop('SIGKILL'));
      return proc;
    },
    onCleanup(cleanup) {
      cleanups.push(cleanup);
    },
    async startSeeder(torrentFile, data, dataDir, extraArgs = []) {
      const seeder = system.track(
        peerAgent(['seed', torrentFile, data, ...sessionArgs(dataDir), ...extraArgs]),
      );
      await seeder.waitFor(/seeding .* on port \d+/);
      return seeder;
    },
  };

  beforeAll(async () => {
    await buildApps();
    work = await tempDir(`system-${prefix}`);
    if (trackerDatabase !== false) await system.startTracker(path.join(work.dir, trackerDatabase));
  });

  afterAll(async () => {
    // Every cleanup runs even when one fails, so no process outlives the file.
    const failures: unknown[] = [];
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        failures.push(error);
      }
    }
    await work?.cleanup();
    if (failures.length > 0) throw new AggregateError(failures, 'system test cleanup failed');
  });

  return system;
}
