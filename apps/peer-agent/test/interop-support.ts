import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { encode } from '@swarmhub/bencode';
import { afterEach, expect } from 'vitest';
import { sha256File, tempDir } from '../../../test-support/files.js';
import { spawnProc, type Proc } from '../../../test-support/processes.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const CLI_MAIN = path.join(REPO_ROOT, 'apps', 'peer-agent', 'src', 'cli', 'main.ts');
const LOADER = path.join(import.meta.dirname, 'interop-loader.mjs');

export async function randomFile(file: string, size: number): Promise<void> {
  await writeFile(file, randomBytes(size));
}

/**
 * A minimal open HTTP tracker (compact peer lists) for the interop tests: enough for aria2,
 * Transmission and our agent to find each other on 127.0.0.1.
 */
export class TestTracker {
  readonly swarms = new Map<string, Map<string, { ip: string; port: number; left: number }>>();
  readonly events: { infoHash: string; event: string; port: number }[] = [];
  private server = http.createServer((req, res) => this.handle(req, res));
  port = 0;

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.announceUrl;
  }

  get announceUrl(): string {
    return `http://127.0.0.1:${this.port}/announce`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const [pathname, query = ''] = (req.url ?? '').split('?');
    if (pathname !== '/announce') {
      res.writeHead(404).end();
      return;
    }
    const params = new Map<string, Buffer>();
    for (const part of query.split('&')) {
      const [k, v = ''] = part.split('=');
      params.set(k!, percentDecode(v));
    }
    const infoHash = params.get('info_hash');
    const port = Number(params.get('port')?.toString());
    if (!infoHash || infoHash.length !== 20 || !Number.isInteger(port)) {
      res.end(encode({ 'failure reason': 'bad announce' }));
      return;
    }
    const hex = infoHash.toString('hex');
    const event = params.get('event')?.toString() ?? '';
    this.events.push({ infoHash: hex, event, port });
    const swarm =
      this.swarms.get(hex) ?? new Map<string, { ip: string; port: number; left: number }>();
    this.swarms.set(hex, swarm);
    const ip = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const key = `${ip}:${port}`;
    if (event === 'stopped') swarm.delete(key);
    else swarm.set(key, { ip, port, left: Number(params.get('left')?.toString() ?? 0) });
    const peers = Buffer.concat(
      [...swarm.entries()]
        .filter(([k]) => k !== key)
        .map(([, p]) => {
          const b = Buffer.alloc(6);
          p.ip.split('.').forEach((o, i) => (b[i] = Number(o)));
          b.writeUInt16BE(p.port, 4);
          return b;
        }),
    );
    const seeders = [...swarm.values()].filter((p) => p.left === 0).length;
    res.end(encode({ interval: 5, complete: seeders, incomplete: swarm.size - seeders, peers }));
  }
}

function percentDecode(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && i + 2 < s.length + 0) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (s[i] === '+') out.push(0x20);
    else out.push(s.charCodeAt(i));
  }
  return Buffer.from(out);
}

/** Our CLI from its sources, as a real process. */
export function spawnAgent(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return spawnProc(
    process.execPath,
    ['--conditions=source', '--import', LOADER, CLI_MAIN, ...args],
    `peer-agent ${args[0]}`,
    { cwd: REPO_ROOT, env },
  );
}

/** The "session: downloaded N bytes, uploaded M bytes" line our CLI prints when it stops. */
export function sessionBytes(output: string): { downloaded: number; uploaded: number } {
  const m = /session: downloaded (\d+) bytes, uploaded (\d+) bytes/.exec(output);
  if (!m) throw new Error(`no session summary in output:\n${output.slice(-2000)}`);
  return { downloaded: Number(m[1]), uploaded: Number(m[2]) };
}

/** `--data-dir <dataDir>`, peers on 127.0.0.1 at a port the OS picks: a CLI session of these tests. */
export function agentSessionArgs(dataDir: string): string[] {
  return ['--data-dir', dataDir, '--peer-port', '0', '--listen-host', '127.0.0.1'];
}

/**
 * Downloads `torrent` into `out` with our CLI (data dir `<dir>/agent`) and checks what every
 * interop download must show: exit 0, the file verified, bytes equal to `data`, and exactly
 * `size` bytes fetched (no verified piece fetched twice).
 */
export async function expectAgentDownload(
  test: Pick<InteropTest, 'dir' | 'track'>,
  torrent: string,
  out: string,
  data: string,
  size: number,
): Promise<void> {
  const leecher = test.track(
    spawnAgent([
      'download',
      torrent,
      '--out',
      out,
      ...agentSessionArgs(path.join(test.dir, 'agent')),
    ]),
  );
  const code = await leecher.exited;
  expect(code, leecher.output).toBe(0);
  const name = path.basename(data);
  expect(leecher.output).toContain(`complete: ${name} verified`);
  expect(await sha256File(path.join(out, name))).toBe(await sha256File(data));
  expect(sessionBytes(leecher.output).downloaded).toBe(size);
}

/** One interop test's temp directory and tracker, and the processes to kill after it. */
export interface InteropTest {
  readonly dir: string;
  readonly tracker: TestTracker;
  readonly announceUrl: string;
  /** Kills `proc` (SIGKILL, by PID) after the test if it still runs. */
  track<P extends Proc>(proc: P): P;
  /** `mktorrent` of `source` announcing to this test's tracker, with 2^`pieceLengthExp` byte pieces. */
  makeTorrent(source: string, torrentFile: string, pieceLengthExp: number): void;
}

/**
 * Registers the file's `afterEach`, which undoes what each test started (its processes, its
 * tracker, its temp directory; the last started first), and returns the function a test calls to
 * start its `InteropTest`.
 */
export function useInteropTests(): (prefix: string) => Promise<InteropTest> {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });
  return async (prefix) => {
    const { dir, cleanup } = await tempDir(prefix);
    cleanups.push(cleanup);
    const tracker = new TestTracker();
    const announceUrl = await tracker.start();
    cleanups.push(() => tracker.close());
    return {
      dir,
      tracker,
      announceUrl,
      track(proc) {
        cleanups.push(() => proc.stop('SIGKILL'));
        return proc;
      },
      makeTorrent(source, torrentFile, pieceLengthExp) {
        execFileSync(
          'mktorrent',
          ['-a', announceUrl, '-l', String(pieceLengthExp), '-o', torrentFile, source],
          { stdio: 'ignore' },
        );
      },
    };
  };
}
