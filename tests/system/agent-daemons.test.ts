// Two agent daemons (`peer-agent serve`) and the real tracker: one creates, publishes and seeds a
// directory through its control API, the other is told by the control CLI (`peer-agent add
// <catalog .torrent URL>`) to fetch it; then stops and restarts prove what the tracker and the
// agent's durable state remember.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CreateTorrentResponse, Transfer } from '@swarmhub/api-types';
import { describe, expect, test } from 'vitest';
import { freePort } from '../../test-support/ports.js';
import type { Proc } from '../../test-support/processes.js';
import { waitFor } from '../../test-support/wait.js';
import {
  CatalogTorrent,
  hashTree,
  peerAgent,
  peerAgentRun,
  useSystemTest,
  type SystemTest,
} from './support.js';

class Daemon {
  proc!: Proc;
  apiUrl = '';

  constructor(
    readonly system: SystemTest,
    readonly dataDir: string,
    readonly downloadDir: string,
    readonly allowedRoot: string,
  ) {}

  async start(): Promise<void> {
    const [apiPort, peerPort] = await Promise.all([freePort(), freePort()]);
    this.proc = this.system.track(
      peerAgent([
        'serve',
        '--data-dir',
        this.dataDir,
        '--download-dir',
        this.downloadDir,
        '--allowed-root',
        this.allowedRoot,
        '--api-port',
        String(apiPort),
        '--peer-port',
        String(peerPort),
        '--peer-host',
        '127.0.0.1',
      ]),
    );
    const [, url] = await this.proc.waitFor(/agent API on (http:\/\/127\.0\.0\.1:\d+)/);
    this.apiUrl = url!;
  }

  private get token(): string {
    return readFileSync(path.join(this.dataDir, 'token'), 'utf8').trim();
  }

  async api<T>(
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.apiUrl}/api/v1${route}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  }

  async transfer(infoHash: string): Promise<Transfer> {
    const { status, body } = await this.api<Transfer>('GET', `/torrents/${infoHash}`);
    if (status !== 200)
      throw new Error(`GET transfer ${infoHash}: ${status} ${JSON.stringify(body)}`);
    return body;
  }

  /** The control CLI against this daemon, as a user runs it. */
  cli(args: string[]): Promise<string> {
    return peerAgentRun([...args, '--data-dir', this.dataDir, '--api', this.apiUrl]);
  }
}

describe('two agent daemons share a directory through the tracker', () => {
  const system = useSystemTest('daemons');

  test('create and publish through one agent API, add by catalog URL with the CLI of the other, stop and restart', async () => {
    const { dir, tracker } = system;
    const { url } = tracker;
    const alice = new Daemon(
      system,
      path.join(dir, 'alice', 'data'),
      path.join(dir, 'alice', 'downloads'),
      path.join(dir, 'alice'),
    );
    const bob = new Daemon(
      system,
      path.join(dir, 'bob', 'data'),
      path.join(dir, 'bob', 'downloads'),
      path.join(dir, 'bob'),
    );
    await Promise.all([alice.start(), bob.start()]);

    const share = path.join(dir, 'alice', 'shared', 'lecture notes');
    mkdirSync(path.join(share, 'week 1'), { recursive: true });
    writeFileSync(path.join(share, 'week 1', 'slides.pdf'), randomBytes(1_800_000 + 3));
    writeFileSync(path.join(share, 'syllabus.txt'), randomBytes(4_321));

    const created = await alice.api<CreateTorrentResponse>('POST', '/create', {
      path: share,
      trackers: [tracker.announceUrl],
      publishTo: url,
      title: 'Lecture notes',
      category: 'courses',
      tags: ['week1', 'notes'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { infoHash } = created.body;
    const torrent = new CatalogTorrent(url, infoHash);
    expect(created.body.published?.url).toBe(torrent.url);
    await waitFor(
      "alice's transfer to be seeding",
      async () => (await alice.transfer(infoHash)).state === 'seeding',
    );
    await torrent.until((d) => d.seeders === 1, 'the tracker to count alice as a seeder');

    const { torrentUrl } = await torrent.detail();
    const bobOut = path.join(dir, 'bob', 'downloads', 'courses');
    const added = await bob.cli(['add', `${url}${torrentUrl}`, '--out', bobOut]);
    expect(added).toContain(infoHash);

    const done = await waitFor("bob's download to complete", async () => {
      const t = await bob.transfer(infoHash);
      return t.state === 'seeding' && t.progress === 1 ? t : undefined;
    });
    expect(done.saveDir).toBe(bobOut);
    expect(await hashTree(bobOut)).toEqual(await hashTree(path.dirname(share)));
    expect(done.downloaded).toBeGreaterThanOrEqual(1_800_003 + 4_321);

    const listed = await bob.cli(['list']);
    expect(listed).toContain('lecture notes');

    // Bob announced `completed` and stays as a seeder.
    await torrent.until(
      (d) => d.completed === 1 && d.seeders === 2 && d.leechers === 0,
      'the tracker to record the completion and count two seeders',
    );

    // Alice stops (Ctrl-C): the tracker forgets her at once, bob still seeds.
    await alice.proc.stop('SIGINT');
    expect(alice.proc.exitCode, alice.proc.output).toBe(0);
    await torrent.until((d) => d.seeders === 1, 'the tracker to drop alice', { limitMs: 15_000 });

    // Bob restarts from his data directory: the transfer is back, complete, without downloading.
    await bob.proc.stop('SIGTERM');
    expect(bob.proc.exitCode, bob.proc.output).toBe(0);
    await torrent.until((d) => d.seeders === 0, 'the tracker to drop bob', { limitMs: 15_000 });
    await bob.start();
    const restored = await waitFor("bob's restored transfer to seed", async () => {
      const t = await bob.transfer(infoHash);
      return t.state === 'seeding' ? t : undefined;
    });
    // No other peer is up: the data can only have come from bob's own disk and resume data.
    expect(restored).toMatchObject({ progress: 1, saveDir: bobOut });
    await torrent.until((d) => d.seeders === 1, 'the tracker to count the restarted bob');
    expect((await torrent.detail()).completed).toBe(1);
  });
});
