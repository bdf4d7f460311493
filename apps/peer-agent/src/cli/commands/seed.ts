import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { Command, Option } from 'commander';
import { Session, type Torrent, type TorrentStats } from '@swarmhub/engine';
import { parseMetainfo, type Metainfo } from '@swarmhub/metainfo';
import { CliError } from '../cli-error.js';

// The helpers below are shared with `download` (both commands run one torrent in the foreground).

export interface TransferOptions {
  dataDir?: string;
  peerPort?: string;
  listenHost?: string;
  uploadLimit?: string;
  downloadLimit?: string;
}

/** --data-dir, --peer-port, --listen-host and the rate limits, as every transfer command takes them. */
export function addTransferOptions(cmd: Command): Command {
  return cmd
    .option(
      '--data-dir <dir>',
      'resume data and state (default ~/.swarmhub-agent; AGENT_DATA_DIR overrides)',
    )
    .option('--peer-port <port>', 'TCP port for peers (default 6881, the next free one if taken)')
    .option('--listen-host <address>', 'address to listen on for peers', '0.0.0.0')
    .addOption(
      new Option('--upload-limit <rate>', 'upload cap in bytes/s (k, m suffixes; 0 = none)'),
    )
    .addOption(
      new Option('--download-limit <rate>', 'download cap in bytes/s (k, m suffixes; 0 = none)'),
    );
}

export function dataDirOf(opts: TransferOptions): string {
  return path.resolve(
    opts.dataDir ?? process.env.AGENT_DATA_DIR ?? path.join(os.homedir(), '.swarmhub-agent'),
  );
}

export function parseRate(value: string | undefined, flag: string): number {
  if (value === undefined) return 0;
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgG]?)i?[bB]?(?:\/s)?$/.exec(value.trim());
  if (!m)
    throw new CliError(
      `${flag} must be a rate such as 500k or 2m (bytes per second), got "${value}"`,
    );
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[
    m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'
  ];
  return Math.floor(Number(m[1]) * unit);
}

export function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--peer-port must be 0..65535, got "${value}"`);
  return port;
}

export async function openSession(opts: TransferOptions): Promise<Session> {
  const dataDir = dataDirOf(opts);
  const peerPort = parsePort(opts.peerPort);
  const uploadRateLimit = parseRate(opts.uploadLimit, '--upload-limit');
  const downloadRateLimit = parseRate(opts.downloadLimit, '--download-limit');
  try {
    return await Session.create({
      resumeDir: path.join(dataDir, 'resume'),
      peerPort,
      listenHost: opts.listenHost,
      uploadRateLimit,
      downloadRateLimit,
    });
  } catch (err) {
    throw new CliError(`cannot start the peer listener: ${(err as Error).message}`);
  }
}

export async function readTorrentFile(file: string): Promise<Metainfo> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    throw new CliError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  try {
    return parseMetainfo(data);
  } catch (err) {
    throw new CliError(`${file} is not a valid .torrent: ${(err as Error).message}`);
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function formatEta(s: number | null): string {
  if (s === null) return '--';
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function statusLine(s: TorrentStats): string {
  return (
    `${s.state} ${(s.progress * 100).toFixed(1)}% ` +
    `down ${formatBytes(s.downloadRate)}/s up ${formatBytes(s.uploadRate)}/s ` +
    `peers ${s.peers} eta ${formatEta(s.eta)} uploaded ${formatBytes(s.uploaded)}`
  );
}

/** A live bar on a terminal; plain periodic lines when stderr is a pipe or a file (logs, tests). */
export class ProgressReporter {
  private bar?: cliProgress.SingleBar;
  private timer?: NodeJS.Timeout;

  constructor(private readonly torrent: Torrent) {}

  start(): void {
    const tty = process.stderr.isTTY === true;
    // Tracker trouble is worth a line (once per distinct message), the download goes on regardless.
    let lastTrackerError = '';
    this.torrent.on('tracker', (r: { url: string; ok: boolean; error?: string }) => {
      const line = r.ok ? '' : `tracker ${r.url}: ${r.error ?? 'failed'}`;
      if (line && line !== lastTrackerError) process.stderr.write(`${line}\n`);
      lastTrackerError = line;
    });
    if (tty) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: '{name} |{bar}| {percentage}% {state} ↓{down}/s ↑{up}/s peers {peers} eta {eta}',
          hideCursor: true,
          barsize: 30,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(100, 0, this.payload());
    }
    this.timer = setInterval(() => this.update(), tty ? 500 : 2000);
    this.update();
  }

  update(): void {
    const s = this.torrent.stats();
    if (this.bar) this.bar.update(Math.floor(s.progress * 1000) / 10, this.payload());
    else process.stderr.write(`${statusLine(s)}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.bar?.stop();
    this.bar = undefined;
  }

  private payload(): Record<string, string | number> {
    const s = this.torrent.stats();
    return {
      name: s.name.length > 24 ? `${s.name.slice(0, 23)}…` : s.name,
      state: s.state,
      down: formatBytes(s.downloadRate),
      up: formatBytes(s.uploadRate),
      peers: s.peers,
      eta: formatEta(s.eta),
    };
  }
}

/**
 * Runs until SIGINT/SIGTERM (or `finished` resolves): then announces stopped, flushes resume data and
 * prints what moved in this session. Resolves with the process exit code.
 */
export async function runUntilStopped(
  session: Session,
  torrent: Torrent,
  reporter: ProgressReporter,
  finished?: Promise<number>,
): Promise<number> {
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const signalled = new Promise<number>((resolve) => {
    onSignal = (signal) => resolve(signal === 'SIGINT' ? 130 : 143);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  const failed = new Promise<number>((resolve) => {
    torrent.on('state', (state: string) => {
      if (state === 'error') resolve(1);
    });
  });
  let code = await Promise.race([signalled, failed, ...(finished ? [finished] : [])]);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  reporter.update();
  reporter.stop();
  const stats = torrent.stats();
  if (stats.state === 'error') {
    process.stderr.write(`error: ${stats.error ?? 'unknown'}\n`);
    code = 1;
  }
  await session.close();
  // Stopping a complete torrent (a seed) on request is the normal way out.
  if (code > 128 && stats.progress === 1) code = 0;
  process.stderr.write(
    `session: downloaded ${torrent.sessionDownloaded} bytes, uploaded ${torrent.sessionUploaded} bytes ` +
      `(${formatBytes(torrent.sessionDownloaded)} down, ${formatBytes(torrent.sessionUploaded)} up)\n`,
  );
  return code;
}

/** Where a torrent's files live, given the path to its data (the file or top directory itself, or its parent). */
export async function saveDirForData(metainfo: Metainfo, dataPath: string): Promise<string> {
  const abs = path.resolve(dataPath);
  const st = await stat(abs).catch(() => null);
  if (!st) throw new CliError(`${dataPath} does not exist`);
  if (path.basename(abs) === metainfo.name) return path.dirname(abs);
  if (st.isDirectory()) {
    const inside = await stat(path.join(abs, metainfo.name)).catch(() => null);
    if (inside) return abs;
  }
  throw new CliError(
    `the torrent's data is named "${metainfo.name}": give its path, or the directory that holds it (got ${dataPath})`,
  );
}

export function registerSeed(program: Command): void {
  addTransferOptions(
    program
      .command('seed')
      .description('check the data of a torrent, then seed it')
      .argument('<torrent>', 'the .torrent file')
      .argument('<data>', 'path to the data (the file or directory the torrent describes)'),
  ).action(async (torrentFile: string, dataPath: string, opts: TransferOptions) => {
    const metainfo = await readTorrentFile(torrentFile);
    const saveDir = await saveDirForData(metainfo, dataPath);
    const session = await openSession(opts);
    process.stderr.write(`checking ${metainfo.name} (${formatBytes(metainfo.totalLength)})...\n`);
    const torrent = await session.addTorrent({ metainfo, saveDir });
    const s = torrent.stats();
    if (s.piecesDone < s.pieceCount) {
      process.stderr.write(
        `warning: only ${s.piecesDone} of ${s.pieceCount} pieces are present and correct; seeding those\n`,
      );
    }
    process.stderr.write(`seeding ${metainfo.name} on port ${session.peerPort}\n`);
    const reporter = new ProgressReporter(torrent);
    reporter.start();
    process.exit(await runUntilStopped(session, torrent, reporter));
  });
}
