import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when needed: importing all of them (the engine, the progress
 * bar, zod, the daemon's Nest modules) took about a quarter of a second before any command ran.
 * Help and unknown commands load them all.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  create: () => import('./commands/create.js').then((m) => m.registerCreate),
  info: () => import('./commands/info.js').then((m) => m.registerInfo),
  magnet: () => import('./commands/magnet.js').then((m) => m.registerMagnet),
  publish: () => import('./commands/publish.js').then((m) => m.registerPublish),
  download: () => import('./commands/download.js').then((m) => m.registerDownload),
  seed: () => import('./commands/seed.js').then((m) => m.registerSeed),
  serve: () => import('./commands/serve.js').then((m) => m.registerServe),
  control: () => import('./commands/control.js').then((m) => m.registerControl),
};
/** The subcommands registerControl defines. */
const CONTROL_COMMANDS = ['add', 'list', 'status', 'pause', 'resume', 'remove', 'limits'];

function modulesFor(commandName: string | undefined): string[] {
  if (commandName && commandName in COMMANDS) return [commandName];
  if (commandName && CONTROL_COMMANDS.includes(commandName)) return ['control'];
  return Object.keys(COMMANDS);
}

const program = new Command('peer-agent')
  .description('Swarmhub peer agent: create, share and download torrents')
  .showHelpAfterError()
  .exitOverride();

for (const name of modulesFor(process.argv[2])) (await COMMANDS[name]!())(program);

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
