import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { freePort } from '../../../test-support/ports.js';
import { spawnProc, type Proc } from '../../../test-support/processes.js';
import { sha256File, tempDir } from '../../../test-support/files.js';
import { testWithTools } from '../../../test-support/tools.js';
import { TestTracker, randomFile, sessionBytes, spawnAgent } from './interop-support.js';

// Transmission 3.00 seeds slowly on loopback (and refuses to download from 127.0.0.0/8): a small file.
const SIZE = 3 * 1024 * 1024 + 777;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

describe('interop with Transmission', () => {
  testWithTools('transmission-cli', 'mktorrent')(
    'our agent downloads a file that transmission-cli seeds',
    async () => {
      const { dir, cleanup } = await tempDir('transmission');
      cleanups.push(cleanup);
      const tracker = new TestTracker();
      const announce = await tracker.start();
      cleanups.push(() => tracker.close());
      await mkdir(path.join(dir, 'seed'));
      await mkdir(path.join(dir, 'tr-config'));
      const data = path.join(dir, 'seed', 'small.bin');
      await randomFile(data, SIZE);
      const torrent = path.join(dir, 'small.torrent');
      execFileSync('mktorrent', ['-a', announce, '-l', '16', '-o', torrent, data], {
        stdio: 'ignore',
      });

      const transmissionPort = await freePort();
      const seeder: Proc = spawnProc(
        'transmission-cli',
        [
          '-g',
          path.join(dir, 'tr-config'),
          '-w',
          path.join(dir, 'seed'),
          '-p',
          String(transmissionPort),
          '-M',
          '-et',
          torrent,
        ],
        'transmission-cli',
        { env: { HOME: dir } },
      );
      cleanups.push(() => seeder.stop('SIGKILL'));
      // Transmission checks the local data first, then announces itself as a seed (left=0).
      await waitUntil(
        () =>
          [...(tracker.swarms.values().next().value?.values() ?? [])].some(
            (p) => p.port === transmissionPort && p.left === 0,
          ),
        60_000,
      );

      const out = path.join(dir, 'out');
      const leecher = spawnAgent([
        'download',
        torrent,
        '--out',
        out,
        '--data-dir',
        path.join(dir, 'agent'),
        '--peer-port',
        '0',
        '--listen-host',
        '127.0.0.1',
      ]);
      cleanups.push(() => leecher.stop('SIGKILL'));
      const code = await leecher.exited;
      expect(code, leecher.output).toBe(0);
      expect(leecher.output).toMatch(/complete: small\.bin verified/);
      expect(await sha256File(path.join(out, 'small.bin'))).toBe(await sha256File(data));
      expect(sessionBytes(leecher.output).downloaded).toBe(SIZE);
    },
  );
});

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
