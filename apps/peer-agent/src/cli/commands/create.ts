import { writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { createTorrent, MetainfoError } from '@swarmhub/metainfo';
import { formatPublishResult, publishTorrent, trackerBaseUrl } from '../catalog-publish.js';
import { CliError } from '../cli-error.js';
import { hashingProgress } from '../hashing-progress.js';
import { formatSummary } from '../torrent-summary.js';

interface CreateOptions {
  tracker: string[];
  out?: string;
  pieceLength?: string;
  private?: boolean;
  comment?: string;
  force?: boolean;
  publish?: string;
  title?: string;
  description?: string;
  category?: string;
  tags?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Bytes, or with a K/M suffix (binary units): 262144, 256K, 1M. */
export function parsePieceLength(value: string): number {
  const m = /^(\d+)\s*([kKmM]?)(?:i?[bB])?$/.exec(value.trim());
  if (!m) {
    throw new CliError(
      `--piece-length must be a byte count such as 262144, 256K or 1M, got "${value}"`,
    );
  }
  const bytes = Number(m[1]) * (m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1024 : 1024 * 1024);
  if (!Number.isSafeInteger(bytes)) throw new CliError(`--piece-length ${value} is too large`);
  return bytes;
}

export function registerCreate(program: Command): void {
  program
    .command('create')
    .description('hash a file or directory and write a .torrent')
    .argument('<path>', 'file or directory to share')
    .option(
      '-t, --tracker <url>',
      'announce URL (repeat for more; each is its own tier)',
      collect,
      [],
    )
    .option('-o, --out <file.torrent>', 'where to write the torrent (default: ./<name>.torrent)')
    .option('-l, --piece-length <bytes>', 'piece length, a power of two (default: automatic)')
    .option('-p, --private', 'private torrent (BEP 27): peers only from the trackers')
    .option('-c, --comment <text>', 'comment stored in the torrent')
    .option('-f, --force', 'overwrite the output file if it exists')
    .option('--publish <tracker base url>', 'upload the torrent to this tracker catalog afterwards')
    .option('--title <text>', 'catalog title when publishing (default: the name)')
    .option('--description <text>', 'catalog description when publishing')
    .option('--category <name>', 'catalog category when publishing')
    .option('--tags <a,b,c>', 'comma-separated catalog tags when publishing')
    .action(async (path: string, opts: CreateOptions) => {
      const pieceLength =
        opts.pieceLength !== undefined ? parsePieceLength(opts.pieceLength) : undefined;
      const publishTo =
        opts.publish !== undefined ? trackerBaseUrl(opts.publish, '--publish') : undefined;
      const progress = hashingProgress();
      let result: Awaited<ReturnType<typeof createTorrent>>;
      try {
        result = await createTorrent(path, {
          trackers: opts.tracker,
          ...(pieceLength !== undefined ? { pieceLength } : {}),
          ...(opts.private ? { private: true } : {}),
          ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
          onProgress: (done, total) => progress.update(done, total),
        });
      } catch (err) {
        if (err instanceof MetainfoError) throw new CliError(err.message);
        throw err;
      } finally {
        progress.stop();
      }
      const { torrent, metainfo } = result;
      const out = resolve(opts.out ?? `${metainfo.name}.torrent`);
      try {
        await writeFile(out, torrent, { flag: opts.force ? 'w' : 'wx' });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST')
          throw new CliError(`${out} already exists (use --force to overwrite)`);
        throw new CliError(`cannot write ${out}: ${(err as Error).message}`);
      }
      process.stdout.write(formatSummary(metainfo, [['torrent file', out]]));
      if (opts.tracker.length === 0) {
        // Allowed (a magnet with trackers can still point at it), but
        // peers of this system find each other only through trackers, so say so.
        process.stderr.write(
          'peer-agent: warning: no --tracker given; the torrent lists no tracker\n',
        );
      }
      if (publishTo !== undefined) {
        try {
          const published = await publishTorrent(publishTo, torrent, basename(out), {
            title: opts.title ?? metainfo.name,
            ...(opts.description !== undefined ? { description: opts.description } : {}),
            ...(opts.category !== undefined ? { category: opts.category } : {}),
            ...(opts.tags !== undefined ? { tags: opts.tags } : {}),
          });
          process.stdout.write(formatPublishResult(published));
        } catch (err) {
          if (err instanceof CliError)
            throw new CliError(`wrote ${out}, but publishing failed: ${err.message}`);
          throw err;
        }
      }
    });
}
