import { isIP } from 'node:net';
import { z } from 'zod';

export const TRACKER_CONFIG = Symbol('TRACKER_CONFIG');

export interface TrackerConfig {
  port: number;
  host: string;
  databasePath: string;
  mode: 'listed' | 'open';
  adminToken?: string;
  /** Seconds a client should wait between announces. */
  interval: number;
  trustedProxies: string[];
  allowIpParam: boolean;
  maxTorrentSize: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** How often the in-memory swarms are written to the peers table. */
  peerFlushMs: number;
  /** Extra seconds, beyond two intervals, before a silent peer expires. */
  peerGraceSeconds: number;
}

export class ConfigError extends Error {
  readonly code = 'BAD_CONFIG';
  constructor(readonly problems: string[]) {
    super(`invalid tracker configuration:\n  ${problems.join('\n  ')}`);
  }
}

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const envSchema = z.object({
  TRACKER_PORT: integer(0, 65535).default(6969),
  TRACKER_HOST: z
    .string()
    .refine((h) => h === 'localhost' || isIP(h) !== 0, 'must be an IP address or localhost')
    .default('0.0.0.0'),
  TRACKER_DATABASE_PATH: z.string().min(1).default('./data/tracker.sqlite'),
  TRACKER_MODE: z.enum(['listed', 'open']).default('listed'),
  TRACKER_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TRACKER_INTERVAL: integer(10, 86_400).default(1800),
  TRACKER_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== ''),
    )
    .refine(
      (list) => list.every((p) => isIP(p) !== 0),
      'must be a comma-separated list of IP addresses',
    ),
  TRACKER_ALLOW_IP_PARAM: booleanFlag.default(false),
  TRACKER_MAX_TORRENT_SIZE: integer(1024, 1024 * 1024 * 1024).default(10 * 1024 * 1024),
  TRACKER_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
});

/** Reads every TRACKER_* variable at once, so one start reports every mistake. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): TrackerConfig {
  const present: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') present[key] = value;
  }
  const result = envSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const secret = name === 'TRACKER_ADMIN_TOKEN';
        const shown =
          present[name] === undefined || secret ? '' : ` (got ${JSON.stringify(present[name])})`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const v = result.data;
  return {
    port: v.TRACKER_PORT,
    host: v.TRACKER_HOST,
    databasePath: v.TRACKER_DATABASE_PATH,
    mode: v.TRACKER_MODE,
    adminToken: v.TRACKER_ADMIN_TOKEN,
    interval: v.TRACKER_INTERVAL,
    trustedProxies: normaliseAddresses(v.TRACKER_TRUSTED_PROXIES),
    allowIpParam: v.TRACKER_ALLOW_IP_PARAM,
    maxTorrentSize: v.TRACKER_MAX_TORRENT_SIZE,
    logLevel: v.TRACKER_LOG_LEVEL,
    peerFlushMs: 1000,
    peerGraceSeconds: 120,
  };
}

export function normaliseAddresses(list: string[]): string[] {
  return list.map((a) => (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a));
}
