import { parseArgs } from 'node:util';
import { ConfigError } from './tracker-config.js';

/** Each command-line flag stands for one TRACKER_* variable and wins over it. */
export const FLAG_VARIABLES = {
  port: 'TRACKER_PORT',
  host: 'TRACKER_HOST',
  database: 'TRACKER_DATABASE_PATH',
  mode: 'TRACKER_MODE',
  'admin-token': 'TRACKER_ADMIN_TOKEN',
  interval: 'TRACKER_INTERVAL',
  'trusted-proxies': 'TRACKER_TRUSTED_PROXIES',
  'allow-ip-param': 'TRACKER_ALLOW_IP_PARAM',
  'max-torrent-size': 'TRACKER_MAX_TORRENT_SIZE',
  'log-level': 'TRACKER_LOG_LEVEL',
} as const;

export const USAGE = `Usage: node apps/tracker-api/dist/main.js [options]
Every option can also be given as its environment variable:
${Object.entries(FLAG_VARIABLES)
  .map(([flag, name]) => `  --${flag.padEnd(18)} ${name}`)
  .join('\n')}`;

/** The environment with the flags applied on top; unknown flags are a ConfigError. */
export function environmentWithFlags(argv: string[], env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(
          Object.keys(FLAG_VARIABLES).map((f) => [f, { type: 'string' as const }]),
        ),
        help: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new ConfigError([`${(error as Error).message}\n${USAGE}`]);
  }
  const merged = { ...env };
  for (const [flag, name] of Object.entries(FLAG_VARIABLES)) {
    const value = values[flag];
    if (typeof value === 'string') merged[name] = value;
  }
  if (values.help === true) merged.TRACKER_HELP = '1';
  return merged;
}
