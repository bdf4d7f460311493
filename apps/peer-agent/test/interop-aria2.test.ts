import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { ARIA2_SEED, spawnAria2 } from '../../../test-support/aria2.js';
import { sha256File } from '../../../test-support/files.js';
import { makePaddedTorrent } from '../../../test-support/padded-torrent.js';
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

  testWithTools('aria2c', 'mktorrent')(
    'three aria2c leechers download from our seed at once (it rejects copies while some piece has none)',
    async () => {
      const { dir, data, torrent, track } = await setup();
      const arias = [];
      for (let i = 0; i < 3; i++) {
        arias.push(
          track(
            await spawnAria2([
              '--bt-tracker-interval=5',
              '--seed-time=0',
              '-d',
              path.join(dir, `aria2-out-${i}`),
              torrent,
            ]),
          ),
        );
      }
      // Capped, so that the first copies take a while and the leechers' requests meet rejects.
      const seeder = track(
        spawnAgent([
          'seed',
          torrent,
          data,
          '--upload-limit',
          String(8 << 20),
          ...agentSessionArgs(path.join(dir, 'agent')),
        ]),
      );
      for (const aria of arias) expect(await aria.exited, aria.output).toBe(0);
      const expected = await sha256File(data);
      for (let i = 0; i < 3; i++)
        expect(await sha256File(path.join(dir, `aria2-out-${i}`, 'payload.bin'))).toBe(expected);
      expect(await seeder.stop('SIGTERM')).toBe(0);
    },
  );

  /** libtorrent's layout at 256 KiB pieces: `.pad/<size>` after the first two files. */
  const PADDED: [string, number][] = [
    ['a.bin', 3 * 1024 * 1024 + 12_345],
    ['sub/b.bin', 700_001],
    ['c.txt', 5],
  ];

  testWithTools('aria2c')(
    'a torrent with BEP 47 padding files goes from our agent to aria2c and back, no .pad file on our side',
    async () => {
      const test = await startTest('aria2-padded');
      const seedDir = path.join(test.dir, 'seed');
      const torrent = path.join(test.dir, 'padded.torrent');
      await writeFile(
        torrent,
        await makePaddedTorrent(seedDir, 'padded', PADDED, {
          pieceLength: 256 * 1024,
          announce: test.announceUrl,
        }),
      );
      const seeder = test.track(
        spawnAgent(['seed', torrent, seedDir, ...agentSessionArgs(path.join(test.dir, 'agent'))]),
      );
      await seeder.waitFor(/seeding padded on port \d+/);
      const ariaOut = path.join(test.dir, 'aria2-out');
      const aria = test.track(
        await spawnAria2(['--bt-tracker-interval=5', '--seed-time=0', '-d', ariaOut, torrent]),
      );
      expect(await aria.exited, aria.output).toBe(0);
      expect(await seeder.stop('SIGTERM')).toBe(0);

      const ariaSeed = test.track(
        await spawnAria2(['--bt-tracker-interval=5', ...ARIA2_SEED, '-d', ariaOut, torrent]),
      );
      const out = path.join(test.dir, 'agent-out');
      const leecher = test.track(
        spawnAgent([
          'download',
          torrent,
          '--out',
          out,
          ...agentSessionArgs(path.join(test.dir, 'agent-leecher')),
        ]),
      );
      expect(await leecher.exited, leecher.output).toBe(0);
      await ariaSeed.stop('SIGTERM');
      expect((await readdir(out, { recursive: true })).sort()).toEqual([
        'padded',
        'padded/a.bin',
        'padded/c.txt',
        'padded/sub',
        'padded/sub/b.bin',
      ]);
      for (const [rel] of PADDED) {
        const original = await sha256File(path.join(seedDir, 'padded', rel));
        expect(await sha256File(path.join(ariaOut, 'padded', rel)), rel).toBe(original);
        expect(await sha256File(path.join(out, 'padded', rel)), rel).toBe(original);
      }
    },
  );
});
