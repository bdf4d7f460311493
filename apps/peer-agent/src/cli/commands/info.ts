import type { Command } from 'commander';
import { readTorrentFile } from '../read-torrent.js';
import { formatDetails } from '../torrent-summary.js';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show what a .torrent holds')
    .argument('<file.torrent>', 'torrent file')
    .action(async (file: string) => {
      const { metainfo } = await readTorrentFile(file);
      process.stdout.write(formatDetails(metainfo));
    });
}
