import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { parseMagnet, parseMetainfo, type Magnet, type Metainfo } from '@swarmhub/metainfo';
import { CliError } from '../cli-error.js';
import { fetchTorrentFile } from '../../daemon/transfers/fetch-torrent.js';
import {
  ProgressReporter,
  addTransferOptions,
  formatBytes,
  openSession,
  runUntilStopped,
  type TransferOptions,
} from './seed.js';

interface DownloadOptions extends TransferOptions {
  out: string;
  seed?: boolean;
  sequential?: boolean;
}

/** A .torrent file or its http(s) address, a magnet link, or a text file holding a magnet link. */
export async function readDownloadInput(
  input: string,
): Promise<{ metainfo?: Metainfo; magnet?: Magnet }> {
  if (input.startsWith('magnet:')) return { magnet: magnetOrThrow(input) };
  let data: Buffer;
  try {
    // The catalog's "Download .torrent" address works as it is, with the same size and time
    // limits the daemon applies.
    data = /^https?:\/\//i.test(input) ? await fetchTorrentFile(input) : await readFile(input);
  } catch (err) {
    if (/^https?:\/\//i.test(input)) throw new CliError((err as Error).message);
    throw new CliError(
      `cannot read ${input}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const text = data.subarray(0, 8192).toString('utf8').trim();
  if (text.startsWith('magnet:')) return { magnet: magnetOrThrow(text.split(/\s+/)[0]!) };
  try {
    return { metainfo: parseMetainfo(data) };
  } catch (err) {
    throw new CliError(
      `${input} is neither a .torrent nor a magnet link: ${(err as Error).message}`,
    );
  }
}

function magnetOrThrow(uri: string): Magnet {
  try {
    return parseMagnet(uri);
  } catch (err) {
    throw new CliError(`bad magnet link: ${(err as Error).message}`);
  }
}

export function registerDownload(program: Command): void {
  addTransferOptions(
    program
      .command('download')
      .description('download a torrent (then exit, or keep seeding with --seed)')
      .argument(
        '<source>',
        '.torrent file or its http(s) address, magnet link, or a text file holding a magnet link',
      )
      .requiredOption('-o, --out <dir>', 'directory to save the data in')
      .option('--seed', 'keep seeding after the download completes')
      .option('--sequential', 'download pieces in order instead of rarest first'),
  ).action(async (source: string, opts: DownloadOptions) => {
    const input = await readDownloadInput(source);
    const session = await openSession(opts);
    const torrent = await session.addTorrent({
      ...input,
      saveDir: path.resolve(opts.out),
      sequential: opts.sequential ?? false,
    });
    if (input.magnet && !input.metainfo) process.stderr.write('fetching metadata from peers...\n');
    torrent.once('metadata', (m: Metainfo) =>
      process.stderr.write(
        `metadata: ${m.name} (${formatBytes(m.totalLength)}, ${m.pieceCount} pieces)\n`,
      ),
    );
    const reporter = new ProgressReporter(torrent);
    reporter.start();
    const completed = new Promise<void>((resolve) => {
      if (torrent.stats().state === 'seeding') resolve();
      torrent.once('done', () => resolve());
    });
    const finished = opts.seed
      ? undefined
      : completed.then(() => {
          reporter.update();
          process.stderr.write(
            `complete: ${torrent.stats().name} verified in ${path.resolve(opts.out)}\n`,
          );
          return 0;
        });
    if (opts.seed) {
      void completed.then(() => process.stderr.write('complete; seeding (Ctrl-C to stop)\n'));
    }
    process.exit(await runUntilStopped(session, torrent, reporter, finished));
  });
}
