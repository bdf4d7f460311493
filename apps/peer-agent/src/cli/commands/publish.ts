import { basename } from 'node:path';
import type { Command } from 'commander';
import { formatPublishResult, publishTorrent, trackerBaseUrl } from '../catalog-publish.js';
import { readTorrentFile } from '../read-torrent.js';

interface PublishOptions {
  api: string;
  title?: string;
  description?: string;
  category?: string;
  tags?: string;
}

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description("upload a .torrent to a tracker's catalog")
    .argument('<file.torrent>', 'torrent file')
    .requiredOption('--api <tracker base url>', 'the tracker, e.g. http://127.0.0.1:6969')
    .option('--title <text>', 'catalog title (default: the torrent name)')
    .option('--description <text>', 'catalog description')
    .option('--category <name>', 'catalog category')
    .option('--tags <a,b,c>', 'comma-separated tags')
    .action(async (file: string, opts: PublishOptions) => {
      const api = trackerBaseUrl(opts.api, '--api');
      // Parsed first so a broken file gets our message, not the tracker's.
      const { bytes, metainfo } = await readTorrentFile(file);
      const result = await publishTorrent(api, bytes, basename(file), {
        title: opts.title ?? metainfo.name,
        ...(opts.description !== undefined ? { description: opts.description } : {}),
        ...(opts.category !== undefined ? { category: opts.category } : {}),
        ...(opts.tags !== undefined ? { tags: opts.tags } : {}),
      });
      process.stdout.write(formatPublishResult(result));
    });
}
