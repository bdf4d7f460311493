import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { z } from 'zod';

/** The agent's whole configuration, validated once at boot. */
export interface AgentConfig {
  dataDir: string;
  apiHost: string;
  apiPort: number;
  peerHost: string;
  peerPort: number;
  downloadDir: string;
  allowOrigins: string[];
  allowedRoots: string[];
  /** Binding the control API to a non-loopback address needs this explicit consent. */
  allowRemoteBind: boolean;
  /** The web app the pairing link points at. */
  webUrl: string;
}

/** Command-line flags; each mirrors an AGENT_* variable and wins over it. */
export interface AgentFlags {
  dataDir?: string;
  apiHost?: string;
  apiPort?: string | number;
  peerHost?: string;
  peerPort?: string | number;
  downloadDir?: string;
  allowOrigin?: string[];
  allowedRoot?: string[];
  allowRemoteBind?: boolean;
  webUrl?: string;
}

export class ConfigError extends Error {
  readonly code = 'BAD_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_API_PORT = 6880;
export const DEFAULT_PEER_PORT = 6881;
export const DEFAULT_WEB_URL = 'http://localhost:3000';
export const DEFAULT_ALLOW_ORIGINS = ['http://localhost:3000', 'http://127.0.0.1:3000'];

const LOOPBACK_BIND_ADDRESSES = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopbackBindAddress(host: string): boolean {
  return LOOPBACK_BIND_ADDRESSES.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const port = (allowZero: boolean) =>
  z.coerce
    .number()
    .int('must be a whole number')
    .min(allowZero ? 0 : 1, allowZero ? 'must be 0 to 65535' : 'must be 1 to 65535')
    .max(65535, 'must be 0 to 65535');

/** An origin as browsers send it: scheme, host and optional port, nothing else. */
const origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}, 'must be an origin such as http://localhost:3000 (scheme, host, optional port; no path)');

const nonEmptyPath = z.string().min(1, 'must not be empty');

const booleanish = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no', ''])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

const rawSchema = z.object({
  dataDir: nonEmptyPath,
  apiHost: z.string().min(1),
  apiPort: port(true),
  peerHost: z.string().min(1),
  peerPort: port(true),
  downloadDir: nonEmptyPath.optional(),
  allowOrigins: z.array(origin).min(1, 'needs at least one origin'),
  allowedRoots: z.array(nonEmptyPath).optional(),
  allowRemoteBind: booleanish,
  webUrl: z.string().url('must be a URL such as http://localhost:3000'),
});

/** Which variable or flag each field comes from, to name it in error messages. */
const SOURCE_NAMES: Record<string, string> = {
  dataDir: '--data-dir / AGENT_DATA_DIR',
  apiHost: '--api-host / AGENT_API_HOST',
  apiPort: '--api-port / AGENT_API_PORT',
  peerHost: '--peer-host / AGENT_PEER_HOST',
  peerPort: '--peer-port / AGENT_PEER_PORT',
  downloadDir: '--download-dir / AGENT_DOWNLOAD_DIR',
  allowOrigins: '--allow-origin / AGENT_ALLOW_ORIGINS',
  allowedRoots: '--allowed-root / AGENT_ALLOWED_ROOTS',
  allowRemoteBind: '--allow-remote-bind / AGENT_ALLOW_REMOTE_BIND',
  webUrl: '--web-url / AGENT_WEB_URL',
};

function splitList(value: string | undefined, separator: string | RegExp): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function expandHome(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return p;
}

/**
 * Merges flags over AGENT_* variables over defaults and validates the result, reporting every
 * bad setting at once. Paths come back absolute.
 */
export function loadAgentConfig(
  flags: AgentFlags = {},
  env: NodeJS.ProcessEnv = process.env,
): AgentConfig {
  const raw = {
    dataDir: flags.dataDir ?? env.AGENT_DATA_DIR ?? join(homedir(), '.swarmhub-agent'),
    apiHost: flags.apiHost ?? env.AGENT_API_HOST ?? '127.0.0.1',
    apiPort: flags.apiPort ?? env.AGENT_API_PORT ?? DEFAULT_API_PORT,
    peerHost: flags.peerHost ?? env.AGENT_PEER_HOST ?? '0.0.0.0',
    peerPort: flags.peerPort ?? env.AGENT_PEER_PORT ?? DEFAULT_PEER_PORT,
    downloadDir: flags.downloadDir ?? env.AGENT_DOWNLOAD_DIR,
    allowOrigins: nonEmpty(flags.allowOrigin) ??
      splitList(env.AGENT_ALLOW_ORIGINS, /[,\s]+/) ?? [...DEFAULT_ALLOW_ORIGINS],
    // Paths may contain commas, so the list uses the platform's PATH separator.
    allowedRoots: nonEmpty(flags.allowedRoot) ?? splitList(env.AGENT_ALLOWED_ROOTS, delimiter),
    allowRemoteBind: flags.allowRemoteBind ?? env.AGENT_ALLOW_REMOTE_BIND ?? false,
    webUrl: flags.webUrl ?? env.AGENT_WEB_URL ?? DEFAULT_WEB_URL,
  };
  const parsed = rawSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? '');
      return `  ${SOURCE_NAMES[field] ?? field}: ${issue.message}`;
    });
    throw new ConfigError(`invalid agent configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (!c.allowRemoteBind && !isLoopbackBindAddress(c.apiHost)) {
    throw new ConfigError(
      `refusing to bind the control API to ${c.apiHost}: it is not a loopback address. ` +
        'Pass --allow-remote-bind (AGENT_ALLOW_REMOTE_BIND=true) if you really mean it.',
    );
  }
  const dataDir = resolve(expandHome(c.dataDir));
  const downloadDir = resolve(expandHome(c.downloadDir ?? defaultDownloadDir(dataDir)));
  // The agent's own download directory is always allowed: adding without a saveDir uses it.
  const allowedRoots = [
    ...new Set([
      downloadDir,
      ...(c.allowedRoots ?? [homedir()]).map((r) => resolve(expandHome(r))),
    ]),
  ];
  return {
    dataDir,
    apiHost: c.apiHost,
    apiPort: c.apiPort,
    peerHost: c.peerHost,
    peerPort: c.peerPort,
    downloadDir,
    allowOrigins: c.allowOrigins,
    allowedRoots,
    allowRemoteBind: c.allowRemoteBind,
    webUrl: c.webUrl.replace(/\/+$/, ''),
  };
}

function nonEmpty(list: string[] | undefined): string[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

function defaultDownloadDir(dataDir: string): string {
  const downloads = join(homedir(), 'Downloads');
  return existsSync(downloads) ? join(downloads, 'swarmhub') : join(dataDir, 'downloads');
}
