import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { AgentApiError, AgentClient } from '../../client/agent-client.js';
import type { AddTorrentRequest, Limits, Transfer, TransferDetail } from '@swarmhub/api-types';
import { CliError } from '../cli-error.js';
import { DEFAULT_API_PORT, loadAgentConfig } from '../../daemon/config.js';
import { readToken } from '../../daemon/security/token.js';

interface ConnectionFlags {
  dataDir?: string;
  api?: string;
}

function connectionOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', "the agent's data directory, holding its token (AGENT_DATA_DIR)")
    .option(
      '--api <url>',
      'the agent API (AGENT_API_URL; default http://127.0.0.1:<AGENT_API_PORT or 6880>)',
    );
}

/** A client for the running agent, with the token read from its data directory. */
async function connect(flags: ConnectionFlags): Promise<AgentClient> {
  const dataDir = loadAgentConfig({ dataDir: flags.dataDir }).dataDir;
  const token = await readToken(dataDir);
  if (token === null) {
    throw new CliError(
      `no agent token in ${dataDir}; start the agent with \`peer-agent serve\` (or pass --data-dir)`,
    );
  }
  const baseUrl =
    flags.api ??
    process.env.AGENT_API_URL ??
    `http://127.0.0.1:${process.env.AGENT_API_PORT ?? DEFAULT_API_PORT}`;
  return new AgentClient({ baseUrl, token });
}

/** Runs a command body, turning the agent's refusals into one clear line for the user. */
async function run(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (err instanceof AgentApiError) throw new CliError(err.message);
    throw err;
  }
}

export function registerControl(program: Command): void {
  connectionOptions(
    program
      .command('add')
      .description(
        'add a transfer to the running agent: a .torrent file, a magnet link or a .torrent URL',
      )
      .argument('<source>', 'path of a .torrent, magnet:?xt=..., or http(s) address of a .torrent')
      .option('--out <dir>', 'save directory (default: the agent download directory)')
      .option('--paused', 'add without starting'),
  ).action((source: string, flags: ConnectionFlags & { out?: string; paused?: boolean }) =>
    run(async () => {
      const client = await connect(flags);
      const request: AddTorrentRequest = await addRequest(source);
      if (flags.out !== undefined) request.saveDir = resolve(flags.out);
      if (flags.paused) request.paused = true;
      const { created, transfer } = await client.add(request);
      process.stdout.write(
        `${created ? 'added' : 'already there'}: ${transfer.infoHash} ${transfer.name} -> ${transfer.saveDir}\n`,
      );
    }),
  );

  connectionOptions(
    program
      .command('list')
      .description("list the running agent's transfers")
      .option('--json', 'print JSON'),
  ).action((flags: ConnectionFlags & { json?: boolean }) =>
    run(async () => {
      const transfers = await (await connect(flags)).list();
      process.stdout.write(
        flags.json ? `${JSON.stringify(transfers, null, 2)}\n` : formatList(transfers),
      );
    }),
  );

  connectionOptions(
    program
      .command('status')
      .description('show one transfer: files, peers, trackers')
      .argument('<infoHash>')
      .option('--json', 'print JSON'),
  ).action((infoHash: string, flags: ConnectionFlags & { json?: boolean }) =>
    run(async () => {
      const detail = await (await connect(flags)).get(infoHash);
      process.stdout.write(
        flags.json ? `${JSON.stringify(detail, null, 2)}\n` : formatDetail(detail),
      );
    }),
  );

  for (const verb of ['pause', 'resume'] as const) {
    connectionOptions(
      program.command(verb).description(`${verb} a transfer`).argument('<infoHash>'),
    ).action((infoHash: string, flags: ConnectionFlags) =>
      run(async () => {
        const client = await connect(flags);
        const transfer =
          verb === 'pause' ? await client.pause(infoHash) : await client.resume(infoHash);
        process.stdout.write(`${transfer.infoHash} ${transfer.state}\n`);
      }),
    );
  }

  connectionOptions(
    program
      .command('remove')
      .description('remove a transfer (its downloaded data stays unless --delete-data)')
      .argument('<infoHash>')
      .option('--delete-data', 'also delete the downloaded files'),
  ).action((infoHash: string, flags: ConnectionFlags & { deleteData?: boolean }) =>
    run(async () => {
      await (await connect(flags)).remove(infoHash, { deleteData: flags.deleteData === true });
      process.stdout.write(`removed ${infoHash}${flags.deleteData ? ' and its data' : ''}\n`);
    }),
  );

  connectionOptions(
    program
      .command('limits')
      .description('show or set rate and connection limits, of the agent or of one transfer')
      .argument('[infoHash]', 'a transfer; without it, the agent-wide settings')
      .option('--up <rate>', 'upload limit in bytes/s (suffix k or m for KiB/MiB; 0 = unlimited)')
      .option('--down <rate>', 'download limit in bytes/s (suffix k or m; 0 = unlimited)')
      .option('--max-connections <n>', 'connection cap (0 = default)'),
  ).action(
    (
      infoHash: string | undefined,
      flags: ConnectionFlags & { up?: string; down?: string; maxConnections?: string },
    ) =>
      run(async () => {
        const client = await connect(flags);
        const change: Limits = {};
        if (flags.up !== undefined) change.uploadRateLimit = parseRate(flags.up, '--up');
        if (flags.down !== undefined) change.downloadRateLimit = parseRate(flags.down, '--down');
        if (flags.maxConnections !== undefined)
          change.maxConnections = parseCount(flags.maxConnections);
        const changing = Object.keys(change).length > 0;
        const limits =
          infoHash === undefined
            ? changing
              ? await client.setSettings(change)
              : await client.settings()
            : changing
              ? await client.setLimits(infoHash, change)
              : await client.get(infoHash);
        process.stdout.write(
          `${infoHash ?? 'agent'}: upload ${formatLimit(limits.uploadRateLimit)}, ` +
            `download ${formatLimit(limits.downloadRateLimit)}, ` +
            `connections ${limits.maxConnections === 0 ? 'default' : limits.maxConnections}\n`,
        );
      }),
  );
}

async function addRequest(source: string): Promise<AddTorrentRequest> {
  if (source.startsWith('magnet:')) return { magnet: source };
  if (/^https?:\/\//i.test(source)) return { url: source };
  try {
    return { torrent: (await readFile(source)).toString('base64') };
  } catch (err) {
    throw new CliError(
      `cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

export function parseRate(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kKmMgG]?)(?:i?B(?:\/s)?)?$/.exec(text.trim());
  if (!match)
    throw new CliError(`${flag} must be a rate such as 500k or 2m (bytes per second), got ${text}`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase()] ?? 1;
  return Math.round(Number(match[1]) * unit);
}

function parseCount(text: string): number {
  if (!/^\d+$/.test(text))
    throw new CliError(`--max-connections must be a whole number, got ${text}`);
  return Number(text);
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function formatLimit(n: number): string {
  return n === 0 ? 'unlimited' : `${formatBytes(n)}/s`;
}

function formatEta(eta: number | null): string {
  if (eta === null) return '-';
  if (eta < 60) return `${Math.round(eta)}s`;
  if (eta < 3600) return `${Math.round(eta / 60)}m`;
  return `${Math.round(eta / 3600)}h`;
}

function formatList(transfers: Transfer[]): string {
  if (transfers.length === 0) return 'no transfers\n';
  const rows = transfers.map((t) =>
    [
      t.infoHash,
      t.state.padEnd(11),
      `${(t.progress * 100).toFixed(1)}%`.padStart(6),
      `down ${formatBytes(t.downloadRate)}/s`.padEnd(16),
      `up ${formatBytes(t.uploadRate)}/s`.padEnd(14),
      `peers ${t.peers}`.padEnd(8),
      `eta ${formatEta(t.eta)}`.padEnd(8),
      t.name,
    ].join('  '),
  );
  return `${rows.join('\n')}\n`;
}

function formatDetail(d: TransferDetail): string {
  const lines = [
    `${d.name} (${d.infoHash})`,
    `  state ${d.state}${d.error ? ` (${d.error})` : ''}, ${(d.progress * 100).toFixed(1)}% of ${formatBytes(d.totalLength)}, pieces ${d.piecesDone}/${d.pieceCount}`,
    `  down ${formatBytes(d.downloadRate)}/s, up ${formatBytes(d.uploadRate)}/s, downloaded ${formatBytes(d.downloaded)}, uploaded ${formatBytes(d.uploaded)}, ratio ${d.ratio.toFixed(2)}, eta ${formatEta(d.eta)}`,
    `  saved in ${d.saveDir}, added ${d.addedAt}`,
    `  limits: upload ${formatLimit(d.uploadRateLimit)}, download ${formatLimit(d.downloadRateLimit)}, connections ${d.maxConnections === 0 ? 'default' : d.maxConnections}`,
    `  files:`,
    ...d.files.map((f) => `    ${f.path}  ${formatBytes(f.downloaded)} / ${formatBytes(f.length)}`),
    `  peers (${d.peers.length}):`,
    ...d.peers.map(
      (p) =>
        `    ${p.address}:${p.port}  ${p.client}  ${p.flags}  down ${formatBytes(p.downloadRate)}/s up ${formatBytes(p.uploadRate)}/s  ${(p.progress * 100).toFixed(0)}%`,
    ),
    `  trackers:`,
    ...d.trackers.map((t) => `    [${t.tier}] ${t.url}  ${t.lastResult ?? 'not announced yet'}`),
  ];
  return `${lines.join('\n')}\n`;
}
