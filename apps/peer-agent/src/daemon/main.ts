// The daemon without the CLI around it: `node dist/daemon/main.js`, configured by AGENT_*
// variables only (the same settings `peer-agent serve` takes as flags).
import { ConfigError, loadAgentConfig } from './config.js';
import { runAgent } from './run.js';

try {
  await runAgent(loadAgentConfig({}, process.env));
  process.exit(0);
} catch (err) {
  const message = err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err));
  process.stderr.write(`peer-agent: ${message}\n`);
  process.exit(1);
}
