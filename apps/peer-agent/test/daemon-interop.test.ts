import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { ARIA2_SEED, spawnAria2 } from '../../../test-support/aria2.js';
import { testWithTools } from '../../../test-support/tools.js';
import { waitFor } from '../../../test-support/wait.js';
import { AgentClient } from '../src/client/agent-client.js';
import { removeTestDir, startTestAgent, type TestAgent } from './daemon-support/agent-harness.js';
import { TinyTracker } from './daemon-support/tiny-tracker.js';

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
    const aria2 = await spawnAria2([...ARIA2_SEED, '-d', seedDir, torrentPath]);
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
      await aria2.stop('SIGKILL');
    }
  },
);
