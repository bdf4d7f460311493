import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { testWithTools } from '../../../test-support/tools.js';
import { AgentClient } from '../src/client/agent-client.js';
import { removeTestDir, startTestAgent, type TestAgent } from './daemon-support/agent-harness.js';
import { TinyTracker } from './daemon-support/tiny-tracker.js';
import { waitFor } from './daemon-support/wait.js';

// Through the agent API, a download from a seeder that is not ours: aria2 seeding a torrent
// made by mktorrent.

let tracker: TinyTracker;
let agent: TestAgent;

beforeAll(async () => {
  tracker = new TinyTracker();
  await tracker.start();
  agent = await startTestAgent();
});

afterAll(async () => {
  await agent.stop();
  await tracker.stop();
  await removeTestDir(agent.root);
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

testWithTools('aria2c', 'mktorrent')(
  'the agent downloads from an aria2 seeder a torrent made by mktorrent',
  async () => {
    const seedDir = join(agent.root, 'aria2-seed');
    await mkdir(seedDir);
    const content = randomBytes(5 * 1024 * 1024 + 4321);
    await writeFile(join(seedDir, 'interop.bin'), content);
    const torrentPath = join(agent.root, 'interop.torrent');
    execFileSync(
      'mktorrent',
      ['-a', tracker.announceUrl, '-l', '16', '-o', torrentPath, join(seedDir, 'interop.bin')],
      {
        stdio: 'ignore',
      },
    );
    const aria2 = spawn(
      'aria2c',
      [
        '--seed-ratio=0.0',
        '--bt-seed-unverified=true',
        '--check-integrity=false',
        '--enable-dht=false',
        '--bt-enable-lpd=false',
        '--enable-peer-exchange=false',
        '--disable-ipv6=true',
        '--interface=127.0.0.1',
        `--listen-port=${await freePort()}`,
        '--summary-interval=0',
        '--console-log-level=error',
        '-d',
        seedDir,
        torrentPath,
      ],
      { stdio: 'ignore' },
    );
    try {
      const client = new AgentClient({ baseUrl: agent.apiUrl, token: agent.token });
      const saveDir = join(agent.root, 'downloads', 'from-aria2');
      const { transfer } = await client.addFile(await readFile(torrentPath), { saveDir });
      await waitFor(
        'the download from aria2',
        async () => (await client.get(transfer.infoHash)).state === 'seeding',
      );
      expect((await readFile(join(saveDir, 'interop.bin'))).equals(content)).toBe(true);
      const detail = await client.get(transfer.infoHash);
      expect(detail.progress).toBe(1);
    } finally {
      aria2.kill('SIGKILL');
    }
  },
);
