import { Command, CommanderError } from 'commander';
import { registerCreate } from './commands/create.js';
import { registerInfo } from './commands/info.js';
import { registerMagnet } from './commands/magnet.js';
import { registerPublish } from './commands/publish.js';
import { registerDownload } from './commands/download.js';
import { registerSeed } from './commands/seed.js';
import { registerServe } from './commands/serve.js';
import { registerControl } from './commands/control.js';
import { CliError } from './cli-error.js';

const program = new Command('peer-agent')
  .description('Swarmhub peer agent: create, share and download torrents')
  .showHelpAfterError()
  .exitOverride();

registerCreate(program);
registerInfo(program);
registerMagnet(program);
registerPublish(program);
registerDownload(program);
registerSeed(program);
registerServe(program);
registerControl(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander has already printed its own message (or help) to stderr.
    process.exit(err.exitCode === 0 ? 0 : 1);
  }
  // One clear line for the user; the stack only when asked for.
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`peer-agent: ${message}\n`);
  if (process.env.PEER_AGENT_DEBUG && err instanceof Error && !(err instanceof CliError)) {
    process.stderr.write(`${err.stack}\n`);
  }
  process.exit(1);
}
