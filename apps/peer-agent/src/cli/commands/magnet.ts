import type { Command } from 'commander';
import { magnetFromMetainfo } from '@swarmhub/metainfo';
import { readTorrentFile } from '../read-torrent.js';

export function registerMagnet(program: Command): void {
  program
    .command('magnet')
    .description('print the magnet link of a .torrent')
    .argument('<file.torrent>', 'torrent file')
    .action(async (file: string) => {
      const { metainfo } = await readTorrentFile(file);
      process.stdout.write(`${magnetFromMetainfo(metainfo)}\n`);
    });
}
