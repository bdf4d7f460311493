// Helpers for the whole-system tests: the parts run as the built programs a user starts
// (`node apps/tracker-api/dist/main.js`, `node apps/peer-agent/bin/peer-agent.js ...`), each a
// real process on 127.0.0.1, stopped by its PID.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

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

export async function tempDir(
  prefix: string,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `swarmhub-system-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A port that was free a moment ago (bound on 127.0.0.1:0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value other than undefined/false; fails with `what`. */
export async function until<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  limitMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`gave up waiting for ${what}${cause}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A child process whose output is kept, stopped by its PID. */
export class Proc {
  output = '';
  exitCode: number | null | undefined;
  exitSignal: NodeJS.Signals | null = null;
  readonly exited: Promise<number | null>;

  constructor(
    readonly child: ChildProcess,
    readonly label: string,
  ) {
    child.stdout?.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (this.output += c.toString()));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Waits for `pattern` in the output; fails early if the process exits first. */
  async waitFor(pattern: RegExp, limitMs = 60_000): Promise<RegExpMatchArray> {
    return until(
      async () => {
        const match = this.output.match(pattern);
        if (match) return match;
        if (!this.running)
          throw new Error(`${this.label} exited (${this.exitCode ?? this.exitSignal})`);
        return undefined;
      },
      `${pattern} from ${this.label}; output so far:\n${this.output.slice(-3000)}`,
      limitMs,
    );
  }

  /** Sends `signal` to the PID, then SIGKILL if it is still there after a grace period. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<number | null> {
    if (!this.running) return this.exitCode ?? null;
    process.kill(this.pid, signal);
    const timer = setTimeout(() => {
      if (this.running) process.kill(this.pid, 'SIGKILL');
    }, graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

export function spawnProc(
  command: string,
  args: string[],
  label: string,
  options: { env?: NodeJS.ProcessEnv; cwd?: string; detached?: boolean } = {},
): Proc {
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    detached: options.detached ?? false,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Proc(child, label);
}

/** The built CLI as a user runs it: `node apps/peer-agent/bin/peer-agent.js <args>`. */
export function peerAgent(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return spawnProc(process.execPath, [PEER_AGENT_BIN, ...args], `peer-agent ${args[0]}`, { env });
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
    await until(async () => {
      if (!proc.running) throw new Error(`tracker exited:\n${proc.output}`);
      const res = await fetch(`${url}/health`);
      return res.ok;
    }, `the tracker's /health on ${url}`);
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

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
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

export const ARIA2_LOOPBACK = [
  '--enable-dht=false',
  '--enable-dht6=false',
  '--bt-enable-lpd=false',
  '--enable-peer-exchange=false',
  '--disable-ipv6=true',
  '--interface=127.0.0.1',
  '--bt-tracker-connect-timeout=5',
  '--bt-tracker-timeout=5',
  '--file-allocation=none',
  '--summary-interval=0',
  '--console-log-level=warn',
  '--allow-overwrite=true',
  '--auto-file-renaming=false',
];
