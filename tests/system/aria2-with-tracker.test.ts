// A standard client meets our agent through our tracker alone: aria2c is given nothing but the
// catalog's .torrent (whose only announce URL is our tracker), so every peer it talks to came
// from our tracker's answer, and the same holds for our agent downloading from aria2c.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { ARIA2_SEED, spawnAria2 } from '../../test-support/aria2.js';
import { testWithTools } from '../../test-support/tools.js';
import {
  createAndPublish,
  downloadArgs,
  hashTree,
  peerAgentRun,
  sessionTotals,
  useSystemTest,
  type CatalogTorrent,
} from './support.js';

const test = testWithTools('aria2c');

describe('aria2c and our agent through our tracker', () => {
  const system = useSystemTest('aria2');

  /** A directory of files, made into a torrent and published to the catalog by our CLI. */
  async function publishShare(name: string): Promise<{ share: string; torrent: CatalogTorrent }> {
    const share = path.join(system.dir, `${name}-source`, name);
    mkdirSync(path.join(share, 'inner'), { recursive: true });
    writeFileSync(path.join(share, 'big.bin'), randomBytes(3 * 1024 * 1024 + 5));
    writeFileSync(path.join(share, 'inner', 'small.txt'), randomBytes(777));
    const { torrent } = await createAndPublish(
      system.tracker,
      share,
      path.join(system.dir, `${name}.torrent`),
    );
    return { share, torrent };
  }

  test('aria2c downloads from our seeder, given only the catalog .torrent URL', async () => {
    const { dir } = system;
    const { share, torrent } = await publishShare('for-aria2');
    const seeder = await system.startSeeder(
      path.join(dir, 'for-aria2.torrent'),
      share,
      path.join(dir, 'seeder-data'),
    );
    await torrent.until((d) => d.seeders === 1, 'our seeder to be counted');

    const { torrentUrl, totalSize } = await torrent.detail();
    const out = path.join(dir, 'aria2-downloads');
    // Seeding a moment (rather than --seed-time=0) makes aria2 announce `completed` before
    // `stopped`, as a client that goes on seeding does.
    const aria2 = system.track(
      await spawnAria2(
        [
          '--follow-torrent=mem',
          '--seed-time=0.05',
          `--dir=${out}`,
          `${system.tracker.url}${torrentUrl}`,
        ],
        'aria2c',
      ),
    );
    const code = await aria2.exited;
    expect(code, aria2.output).toBe(0);
    expect(await hashTree(out)).toEqual(await hashTree(path.dirname(share)));

    const after = await torrent.untilCompleted(1, "aria2c's completion and stop to be recorded");
    expect(after.seeders).toBe(1);

    await seeder.stop('SIGINT');
    expect(seeder.exitCode, seeder.output).toBe(0);
    expect(Number(sessionTotals(seeder.output)?.uploaded)).toBeGreaterThanOrEqual(totalSize);
    await torrent.until((d) => d.seeders === 0, 'the seeder to be dropped');
  });

  test('our agent downloads from an aria2c seeder it found through the tracker', async () => {
    const { dir } = system;
    const { share, torrent } = await publishShare('from-aria2');
    const torrentFile = path.join(dir, 'from-aria2.torrent');
    const aria2 = system.track(
      await spawnAria2(
        [...ARIA2_SEED, `--dir=${path.dirname(share)}`, torrentFile],
        'aria2c seeder',
      ),
    );
    await torrent.until((d) => d.seeders === 1, 'the aria2c seeder to be counted', {
      whileRunning: aria2,
    });

    const { torrentUrl } = await torrent.detail();
    const catalogTorrent = path.join(dir, 'from-aria2-catalog.torrent');
    await writeFile(
      catalogTorrent,
      Buffer.from(await (await fetch(`${system.tracker.url}${torrentUrl}`)).arrayBuffer()),
    );
    const out = path.join(dir, 'agent-downloads');
    await peerAgentRun(downloadArgs(catalogTorrent, out, path.join(dir, 'downloader-data')));
    expect(await hashTree(out)).toEqual(await hashTree(path.dirname(share)));

    const after = await torrent.untilCompleted(1, "our agent's completion and stop to be recorded");
    expect(after.seeders).toBe(1);
    await aria2.stop('SIGTERM');
  });
});
