import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAgentConfig, type AgentConfig, type AgentFlags } from '../../src/daemon/config.js';
import { startAgent, type RunningAgent } from '../../src/daemon/agent-app.js';

export interface TestAgent extends RunningAgent {
  config: AgentConfig;
  /** Temp directory holding data/, downloads/ and anything else the test needs. */
  root: string;
  port: number;
  /** Closes the agent (idempotent) without removing its files, so a restart can reuse them. */
  stop(): Promise<void>;
}

/** A real agent (engine, state, API) on 127.0.0.1 with OS-chosen ports, in a temp directory. */
export async function startTestAgent(flags: AgentFlags = {}, root?: string): Promise<TestAgent> {
  const dir = root ?? (await mkdtemp(join(tmpdir(), 'agent-test-')));
  await mkdir(join(dir, 'downloads'), { recursive: true });
  const config = loadAgentConfig(
    {
      dataDir: join(dir, 'data'),
      downloadDir: join(dir, 'downloads'),
      allowedRoot: [dir],
      apiPort: 0,
      peerPort: 0,
      peerHost: '127.0.0.1',
      ...flags,
    },
    {},
  );
  const running = await startAgent(config, {
    // AGENT_TEST_LOG=1 shows the agent's own log while debugging a test.
    logger: process.env.AGENT_TEST_LOG ? ['error', 'warn'] : false,
    log: process.env.AGENT_TEST_LOG ? undefined : () => undefined,
    heartbeatMs: 200,
  });
  let stopped = false;
  return {
    ...running,
    config,
    root: dir,
    port: Number(new URL(running.apiUrl).port),
    async stop() {
      if (stopped) return;
      stopped = true;
      await running.close();
    },
  };
}

export async function removeTestDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** The built CLI (`npm test` builds first); process tests run what users run. */
export const CLI_BIN = join(import.meta.dirname, '..', '..', 'bin', 'peer-agent.js');
