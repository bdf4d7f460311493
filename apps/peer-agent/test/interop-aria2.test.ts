import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { ARIA2_SEED, spawnAria2 } from '../../../test-support/aria2.js';
import { sha256File } from '../../../test-support/files.js';
import { testWithTools } from '../../../test-support/tools.js';
import {
  agentSessionArgs,
  expectAgentDownload,
  randomFile,
  sessionBytes,
  spawnAgent,
  useInteropTests,
  type InteropTest,
} from './interop-support.js';

const SIZE = 24 * 1024 * 1024 + 12345;
const startTest = useInteropTests();

async function setup(): Promise<InteropTest & { data: string; torrent: string }> {
  const test = await startTest('aria2');
  await mkdir(path.join(test.dir, 'seed'));
  const data = path.join(test.dir, 'seed', 'payload.bin');
  await randomFile(data, SIZE);
  const torrent = path.join(test.dir, 'payload.torrent');
  test.makeTorrent(data, torrent, 18);
  return { ...test, data, torrent };
}

describe('interop with aria2', () => {
  testWithTools('aria2c', 'mktorrent')('aria2c downloads a file our agent seeds', async () => {
    const { dir, data, torrent, tracker, track } = await setup();
    const seeder = track(
      spawnAgent(['seed', torrent, data, ...agentSessionArgs(path.join(dir, 'agent'))]),
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
      const { dir, data, torrent, track } = await setup();
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
      await expectAgentDownload({ dir, track }, torrent, out, data, SIZE);
      await aria.stop('SIGTERM');
    },
  );
});
