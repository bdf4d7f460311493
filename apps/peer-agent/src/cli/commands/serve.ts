import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { ConfigError, loadAgentConfig, type AgentFlags } from '../../daemon/config.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the agent: the engine and its control API on 127.0.0.1')
    .option(
      '--data-dir <dir>',
      'state, token and resume data (AGENT_DATA_DIR; default ~/.swarmhub-agent)',
    )
    .option('--api-host <host>', 'control API address (AGENT_API_HOST; default 127.0.0.1)')
    .option('--api-port <port>', 'control API port (AGENT_API_PORT; default 6880)')
    .option('--peer-host <host>', 'address peers connect to (AGENT_PEER_HOST; default 0.0.0.0)')
    .option('--peer-port <port>', 'BitTorrent port (AGENT_PEER_PORT; default 6881)')
    .option(
      '--download-dir <dir>',
      'default save directory (AGENT_DOWNLOAD_DIR; default ~/Downloads/swarmhub)',
    )
    .option(
      '--allow-origin <origin>',
      'web origin allowed to use the API, repeatable (AGENT_ALLOW_ORIGINS)',
      collect,
      [],
    )
    .option(
      '--allowed-root <dir>',
      'root that request paths must lie under, repeatable (AGENT_ALLOWED_ROOTS)',
      collect,
      [],
    )
    .option(
      '--allow-remote-bind',
      'allow --api-host to be a non-loopback address (AGENT_ALLOW_REMOTE_BIND)',
    )
    .option(
      '--web-url <url>',
      'web app for the pairing link (AGENT_WEB_URL; default http://localhost:3000)',
    )
    .action(async (flags: AgentFlags) => {
      let config;
      try {
        config = loadAgentConfig(flags);
      } catch (err) {
        if (err instanceof ConfigError) throw new CliError(err.message);
        throw err;
      }
      // Loaded here, not at the top: every other command would otherwise pay for Nest and the engine.
      const { runAgent } = await import('../../daemon/run.js');
      try {
        await runAgent(config);
      } catch (err) {
        if (err instanceof ConfigError) throw new CliError(err.message);
        throw err;
      }
      // The agent has closed: exit now, so a second signal (a terminal's Ctrl-C reaching the
      // whole process group) cannot hit Node mid-shutdown and turn a clean stop into a crash.
      process.exit(0);
    });
}
