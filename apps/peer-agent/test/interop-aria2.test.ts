import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { ARIA2_SEED, spawnAria2 } from '../../../test-support/aria2.js';
import type { Proc } from '../../../test-support/processes.js';
import { sha256File, tempDir } from '../../../test-support/files.js';
import { testWithTools } from '../../../test-support/tools.js';
import { TestTracker, randomFile, sessionBytes, spawnAgent } from './interop-support.js';

const SIZE = 24 * 1024 * 1024 + 12345;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function setup(): Promise<{
  dir: string;
  tracker: TestTracker;
  data: string;
  torrent: string;
}> {
  const { dir, cleanup } = await tempDir('aria2');
  cleanups.push(cleanup);
  const tracker = new TestTracker();
  const announce = await tracker.start();
  cleanups.push(() => tracker.close());
  await mkdir(path.join(dir, 'seed'));
  const data = path.join(dir, 'seed', 'payload.bin');
  await randomFile(data, SIZE);
  const torrent = path.join(dir, 'payload.torrent');
  execFileSync('mktorrent', ['-a', announce, '-l', '18', '-o', torrent, data], { stdio: 'ignore' });
  return { dir, tracker, data, torrent };
}

function track(p: Proc): Proc {
  cleanups.push(() => p.stop('SIGKILL'));
  return p;
}

describe('interop with aria2', () => {
  testWithTools('aria2c', 'mktorrent')('aria2c downloads a file our agent seeds', async () => {
    const { dir, data, torrent, tracker } = await setup();
    const seeder = track(
      spawnAgent([
        'seed',
        torrent,
        data,
        '--data-dir',
        path.join(dir, 'agent'),
        '--peer-port',
        '0',
        '--listen-host',
        '127.0.0.1',
      ]),
    );
    const [, seederPort] = await seeder.waitFor(/seeding payload\.bin on port (\d+)/);
    const out = path.join(dir, 'aria2-out');
    const aria = track(
      await spawnAria2(['--bt-tracker-interval=5', '--seed-time=0', '-d', out, torrent]),
    );
    const code = await aria.exited;
    expect(code, aria.output).toBe(0);
    expect(await sha256File(path.join(out, 'payload.bin'))).toBe(await sha256File(data));
    expect(await seeder.stop('SIGTERM')).toBe(0);
    // SIGTERM announces `stopped` before the process exits.
    expect(
      tracker.events.filter((e) => e.event === 'stopped' && e.port === Number(seederPort)),
    ).toHaveLength(1);
    expect(sessionBytes(seeder.output).uploaded).toBeGreaterThanOrEqual(SIZE);
  });

  testWithTools('aria2c', 'mktorrent')(
    'our agent downloads a file an aria2c seeder serves',
    async () => {
      const { dir, data, torrent } = await setup();
      const aria = track(
        await spawnAria2([
          '--bt-tracker-interval=5',
          ...ARIA2_SEED,
          '-d',
          path.dirname(data),
          torrent,
        ]),
      );
      const out = path.join(dir, 'agent-out');
      const leecher = track(
        spawnAgent([
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
        ]),
      );
      const code = await leecher.exited;
      expect(code, leecher.output).toBe(0);
      expect(leecher.output).toMatch(/complete: payload\.bin verified/);
      expect(await sha256File(path.join(out, 'payload.bin'))).toBe(await sha256File(data));
      expect(sessionBytes(leecher.output).downloaded).toBe(SIZE);
      await aria.stop('SIGTERM');
    },
  );
});
