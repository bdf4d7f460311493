import type { AgentConfig } from './config.js';
import { startAgent } from './agent-app.js';

/**
 * Runs the agent as a daemon: starts it, prints its API address and pairing link, and closes it
 * cleanly (announcing `stopped`, flushing resume data) on SIGINT or SIGTERM. Resolves once closed.
 */
export async function runAgent(config: AgentConfig): Promise<void> {
  const agent = await startAgent(config, {
    log: (message) => process.stderr.write(`peer-agent: ${message}\n`),
  });
  process.stdout.write(
    `Swarmhub agent API on ${agent.apiUrl} (peers on port ${agent.agent.peerPort}, data in ${config.dataDir})\n` +
      `Pair the web app: ${agent.pairingLink}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // A second signal while closing forces the exit.
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      agent
        .close()
        .catch((err: Error) => process.stderr.write(`peer-agent: closing failed: ${err.message}\n`))
        .finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
