import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { AgentClient } from '../src/client/agent-client.js';
import type { Transfer } from '@swarmhub/api-types';
import {
  CLI_BIN,
  removeTestDir,
  startTestAgent,
  type TestAgent,
} from './daemon-support/agent-harness.js';
import { TinyTracker } from './daemon-support/tiny-tracker.js';
import { waitFor } from '../../../test-support/wait.js';

// The built `peer-agent` as users run it: `serve` in its own process, driven by the CLI control
// commands (which go through the typed client), killed with SIGKILL and started again.

interface Daemon {
  child: ChildProcess;
  apiUrl: string;
  stdout: string;
  exited: Promise<number | null>;
}

let dir: string;
let tracker: TinyTracker;
let seeder: TestAgent;
let torrentPath: string;
let infoHash: string;
let content: Buffer;
const daemons: Daemon[] = [];

async function startDaemon(): Promise<Daemon> {
  if (!existsSync(CLI_BIN.replace(/bin\/peer-agent\.js$/, 'dist/cli/main.js'))) {
    throw new Error('apps/peer-agent is not built: run `npx tsc -b apps/peer-agent` first');
  }
  const child = spawn(
    process.execPath,
    [
      CLI_BIN,
      'serve',
      '--data-dir',
      join(dir, 'data'),
      '--download-dir',
      join(dir, 'downloads'),
      '--allowed-root',
      dir,
      '--api-port',
      '0',
      '--peer-port',
      '0',
      '--peer-host',
      '127.0.0.1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const daemon: Daemon = {
    child,
    apiUrl: '',
    stdout: '',
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  daemons.push(daemon);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (daemon.stdout += d.toString()));
  daemon.apiUrl = await waitFor(
    'the daemon to print its address',
    () => {
      if (child.exitCode !== null) throw new Error(`daemon exited: ${stderr}`);
      return /agent API on (http:\/\/127\.0\.0\.1:\d+)/.exec(daemon.stdout)?.[1];
    },
    30_000,
  );
  return daemon;
}

async function cli(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const daemon = daemons.at(-1)!;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [CLI_BIN, ...args, '--data-dir', join(dir, 'data'), '--api', daemon.apiUrl],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function listJson(): Promise<Transfer[]> {
  const result = await cli('list', '--json');
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Transfer[];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-cli-'));
  await mkdir(join(dir, 'downloads'));
  tracker = new TinyTracker();
  await tracker.start();
  seeder = await startTestAgent();
  content = randomBytes(2 * 1024 * 1024 + 99);
  await writeFile(join(seeder.root, 'video.bin'), content);
  const created = await new AgentClient({ baseUrl: seeder.apiUrl, token: seeder.token }).create({
    path: join(seeder.root, 'video.bin'),
    trackers: [tracker.announceUrl],
  });
  infoHash = created.infoHash;
  torrentPath = join(dir, 'video.torrent');
  await writeFile(
    torrentPath,
    await readFile(join(seeder.config.dataDir, 'torrents', `${infoHash}.torrent`)),
  );
});

afterAll(async () => {
  for (const d of daemons) {
    if (d.child.exitCode === null && d.child.signalCode === null) d.child.kill('SIGKILL');
    await d.exited;
  }
  await seeder?.stop();
  await tracker?.stop();
  if (seeder) await removeTestDir(seeder.root);
  await rm(dir, { recursive: true, force: true });
});

test('serve prints its address and a pairing link carrying the token from the data directory', async () => {
  const daemon = await startDaemon();
  const token = (await readFile(join(dir, 'data', 'token'), 'utf8')).trim();
  const port = new URL(daemon.apiUrl).port;
  expect(daemon.stdout).toContain(
    `http://localhost:3000/agent#agent=http%3A%2F%2F127.0.0.1%3A${port}&token=${token}`,
  );
});

test('add, list, status, pause through the CLI; then kill -9 and restart lose nothing', async () => {
  expect((await cli('list')).stdout).toBe('no transfers\n');
  const out = join(dir, 'downloads', 'movies');
  const added = await cli('add', torrentPath, '--out', out);
  expect(added).toMatchObject({ code: 0, stderr: '' });
  expect(added.stdout).toContain(`added: ${infoHash} video.bin -> ${out}`);

  await waitFor('the CLI download', async () => (await listJson())[0]?.state === 'seeding');
  expect((await readFile(join(out, 'video.bin'))).equals(content)).toBe(true);
  const list = await cli('list');
  expect(list.stdout).toMatch(new RegExp(`^${infoHash}\\s+seeding\\s+100\\.0%.*video\\.bin\\n$`));
  const status = await cli('status', infoHash);
  expect(status.stdout).toContain('video.bin');
  expect(status.stdout).toContain(`saved in ${out}`);
  expect(status.stdout).toContain(tracker.announceUrl);

  const again = await cli('add', torrentPath);
  expect(again.stdout).toContain(`already there: ${infoHash}`);

  const paused = await cli('pause', infoHash);
  expect(paused).toMatchObject({ code: 0, stdout: `${infoHash} paused\n` });
  const limits = await cli('limits', infoHash, '--up', '256k');
  expect(limits.stdout).toContain('upload 256.0 KiB/s');

  const before = daemons.at(-1)!;
  before.child.kill('SIGKILL');
  await before.exited;
  await startDaemon();
  const [restored] = await listJson();
  expect(restored).toMatchObject({ infoHash, saveDir: out, paused: true, state: 'paused' });
  expect((await cli('limits', infoHash)).stdout).toContain('upload 256.0 KiB/s');

  expect((await cli('resume', infoHash)).code).toBe(0);
  await waitFor(
    'seeding again after the restart',
    async () => (await listJson())[0]?.state === 'seeding',
  );
  expect((await listJson())[0].progress).toBe(1);
});

test('remove --delete-data, and clear errors for mistakes', async () => {
  const removed = await cli('remove', infoHash, '--delete-data');
  expect(removed).toMatchObject({ code: 0, stdout: `removed ${infoHash} and its data\n` });
  expect(existsSync(join(dir, 'downloads', 'movies', 'video.bin'))).toBe(false);

  const missing = await cli('status', infoHash);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toBe(`peer-agent: no transfer with info hash ${infoHash}\n`);
  const badRate = await cli('limits', '--down', 'fast');
  expect(badRate.code).toBe(1);
  expect(badRate.stderr).toMatch(/--down must be a rate/);
  const outside = await cli('add', torrentPath, '--out', '/etc/swarmhub');
  expect(outside.code).toBe(1);
  expect(outside.stderr).toMatch(/outside the allowed roots/);
});

test('kill -9 in the middle of a rate-limited download: after a restart it goes on and completes', async () => {
  const limited = await cli('limits', '--down', '128k');
  expect(limited.stdout).toContain('download 128.0 KiB/s');
  const out = join(dir, 'downloads', 'interrupted');
  expect((await cli('add', torrentPath, '--out', out)).code).toBe(0);
  const partial = await waitFor('part of the download', async () => {
    const [t] = await listJson();
    return t && t.progress > 0.05 ? t : undefined;
  });
  expect(partial.progress).toBeLessThan(1);

  const before = daemons.at(-1)!;
  before.child.kill('SIGKILL');
  await before.exited;
  await startDaemon();
  const [restored] = await listJson();
  expect(restored).toMatchObject({ infoHash, saveDir: out, paused: false });
  expect((await cli('limits')).stdout).toContain('download 128.0 KiB/s');

  expect((await cli('limits', '--down', '0')).stdout).toContain('download unlimited');
  await waitFor('the rest of the download', async () => (await listJson())[0]?.state === 'seeding');
  expect((await readFile(join(out, 'video.bin'))).equals(content)).toBe(true);
});

test('without a running agent or its token, the CLI says what to do', async () => {
  const noToken = await new Promise<string>((resolve) => {
    const child = spawn(process.execPath, [CLI_BIN, 'list', '--data-dir', join(dir, 'nowhere')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', () => resolve(stderr));
  });
  expect(noToken).toMatch(/no agent token in .*nowhere.*peer-agent serve/);

  const daemon = daemons.at(-1)!;
  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toBe(0);
  const unreachable = await cli('list');
  expect(unreachable.code).toBe(1);
  expect(unreachable.stderr).toMatch(/cannot reach the agent at .*is `peer-agent serve` running\?/);
});

test('the bare daemon entry (dist/daemon/main.js, used by scripts/start.mjs) takes AGENT_* variables', async () => {
  const dataDir = join(dir, 'env-data');
  const child = spawn(
    process.execPath,
    [CLI_BIN.replace(/bin\/peer-agent\.js$/, 'dist/daemon/main.js')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        AGENT_DATA_DIR: dataDir,
        AGENT_DOWNLOAD_DIR: join(dir, 'downloads'),
        AGENT_API_PORT: '0',
        AGENT_PEER_PORT: '0',
        AGENT_PEER_HOST: '127.0.0.1',
        AGENT_WEB_URL: 'http://127.0.0.1:3999',
      },
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  try {
    const apiUrl = await waitFor(
      'the daemon address',
      () => /agent API on (http:\/\/\S+) /.exec(stdout)?.[1],
      30_000,
    );
    const token = (await readFile(join(dataDir, 'token'), 'utf8')).trim();
    expect(stdout).toContain(
      `http://127.0.0.1:3999/agent#agent=${encodeURIComponent(apiUrl)}&token=${token}`,
    );
    expect(await new AgentClient({ baseUrl: apiUrl, token }).health()).toMatchObject({ ok: true });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
