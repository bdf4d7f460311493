import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { AgentClient } from '../src/client/agent-client.js';
// The real tracker and catalog of this repository, in process.
import { startTracker, type RunningTracker } from '../../tracker-api/src/tracker-app.js';
import { removeTestDir, startTestAgent, type TestAgent } from './daemon-support/agent-harness.js';
import { freePort } from '../../../test-support/ports.js';
import { waitFor } from '../../../test-support/wait.js';

// The "share a file" and "find and download" flows of DESIGN.md through the agent API: the
// seeding agent creates and publishes to the real tracker's catalog; the downloading agent adds
// the catalog's .torrent address and fetches the data from the seeder via the tracker.

let trackerDir: string;
let tracker: RunningTracker;
let seeder: TestAgent;
let leecher: TestAgent;

beforeAll(async () => {
  trackerDir = await mkdtemp(join(tmpdir(), 'agent-publish-tracker-'));
  tracker = await startTracker({
    port: 0,
    host: '127.0.0.1',
    databasePath: join(trackerDir, 'tracker.sqlite'),
    mode: 'listed',
    adminToken: 'admin-token-for-agent-tests-0123',
    interval: 60,
    trustedProxies: [],
    allowIpParam: false,
    maxTorrentSize: 10 * 1024 * 1024,
    logLevel: 'silent',
    peerFlushMs: 500,
    peerGraceSeconds: 120,
  });
  seeder = await startTestAgent();
  leecher = await startTestAgent();
});

afterAll(async () => {
  await leecher?.stop();
  await seeder?.stop();
  await tracker?.close();
  if (leecher) await removeTestDir(leecher.root);
  if (seeder) await removeTestDir(seeder.root);
  await rm(trackerDir, { recursive: true, force: true });
});

test('create and publish to the catalog, then download by the catalog URL through the tracker', async () => {
  const content = randomBytes(1024 * 1024 + 777);
  await mkdir(join(seeder.root, 'album'));
  await writeFile(join(seeder.root, 'album', 'track.bin'), content);
  await writeFile(join(seeder.root, 'album', 'notes.txt'), 'liner notes\n');
  const seederClient = new AgentClient({ baseUrl: seeder.apiUrl, token: seeder.token });
  const created = await seederClient.create({
    path: join(seeder.root, 'album'),
    trackers: [`${tracker.url}/announce`],
    publishTo: tracker.url,
    title: 'An album',
    description: 'made by the agent test',
    category: 'music',
    tags: 'test, agent',
  });
  expect(created.published?.url).toBe(`${tracker.url}/api/v1/torrents/${created.infoHash}`);

  const detail = (await (await fetch(created.published!.url)).json()) as {
    title: string;
    category: string;
    tags: string[];
    torrentUrl: string;
    files: { path: string; size: number }[];
  };
  expect(detail).toMatchObject({ title: 'An album', category: 'music' });
  expect(detail.tags.sort()).toEqual(['agent', 'test']);
  expect(detail.files).toHaveLength(2);

  // Publishing again is not an error: the catalog already has it.
  const again = await seederClient.create({
    path: join(seeder.root, 'album'),
    trackers: [`${tracker.url}/announce`],
    publishTo: tracker.url,
  });
  expect(again.infoHash).toBe(created.infoHash);
  expect(again.published?.url).toBe(created.published!.url);

  const client = new AgentClient({ baseUrl: leecher.apiUrl, token: leecher.token });
  const { transfer } = await client.add({
    url: new URL(detail.torrentUrl, tracker.url).toString(),
  });
  expect(transfer.saveDir).toBe(leecher.config.downloadDir);
  await waitFor(
    'the download through the real tracker',
    async () => (await client.get(created.infoHash)).state === 'seeding',
  );
  expect(
    (await readFile(join(leecher.config.downloadDir, 'album', 'track.bin'))).equals(content),
  ).toBe(true);
  expect(await readFile(join(leecher.config.downloadDir, 'album', 'notes.txt'), 'utf8')).toBe(
    'liner notes\n',
  );
});

test('a catalog that refuses the torrent, or cannot be reached, is reported; the torrent keeps seeding', async () => {
  const refusing = createServer((req, res) => {
    req.resume();
    res.statusCode = 400;
    res.setHeader('Content-Type', 'application/json');
    res.end(
      JSON.stringify({ statusCode: 400, error: 'Bad Request', message: 'title is too short' }),
    );
  });
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  const refusingUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
  const closedUrl = `http://127.0.0.1:${await freePort()}`;

  const seederClient = new AgentClient({ baseUrl: seeder.apiUrl, token: seeder.token });
  try {
    await writeFile(join(seeder.root, 'lonely.bin'), randomBytes(50_000));
    const refused = await seederClient
      .create({ path: join(seeder.root, 'lonely.bin'), trackers: [], publishTo: refusingUrl })
      .catch((err: unknown) => err);
    expect(refused).toMatchObject({
      statusCode: 502,
      message: expect.stringMatching(/refused it: title is too short/),
    });

    await writeFile(join(seeder.root, 'unreachable.bin'), randomBytes(50_000));
    const unreachable = await seederClient
      .create({ path: join(seeder.root, 'unreachable.bin'), trackers: [], publishTo: closedUrl })
      .catch((err: unknown) => err);
    expect(unreachable).toMatchObject({
      statusCode: 502,
      message: expect.stringMatching(/is seeding, but publishing/),
    });

    const names = (await seederClient.list()).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['lonely.bin', 'unreachable.bin']));
  } finally {
    await new Promise<void>((resolve) => refusing.close(() => resolve()));
  }
});
