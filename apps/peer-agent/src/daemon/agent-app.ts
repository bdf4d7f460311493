import 'reflect-metadata';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Session } from '@swarmhub/engine';
import { AgentModule } from './agent.module.js';
import { type AgentConfig, ConfigError, isLoopbackBindAddress } from './config.js';
import { ErrorFilter } from './http/error.filter.js';
import { EventStream } from './http/event-stream.js';
import { PathPolicy } from './security/path-policy.js';
import { createRequestSecurity } from './security/request-security.js';
import { loadOrCreateToken } from './security/token.js';
import { StateStore } from './state/state-store.js';
import { AgentService, DEFAULT_MAX_CONNECTIONS } from './transfers/agent.service.js';
import { AGENT_VERSION } from './version.js';

export interface AgentAppOptions {
  /** Nest's log levels; false silences it (tests). */
  logger?: false | LogLevel[];
  heartbeatMs?: number;
  log?: (message: string) => void;
}

export interface RunningAgent {
  app: NestExpressApplication;
  agent: AgentService;
  token: string;
  /** e.g. http://127.0.0.1:6880 */
  apiUrl: string;
  pairingLink: string;
  close(): Promise<void>;
}

/** Builds the Nest app over a ready facade: the security layer first, then parsers and routes. */
export async function createAgentApp(
  agent: AgentService,
  token: string,
  config: Pick<AgentConfig, 'allowOrigins' | 'apiHost' | 'allowRemoteBind'>,
  options: AgentAppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AgentModule.register(agent, new EventStream(agent, options.heartbeatMs)),
    { bodyParser: false, logger: options.logger ?? ['error', 'warn'] },
  );
  app.disable('x-powered-by');
  // Mounted before Nest adds its router and not-found handler, so every request meets it:
  // unknown routes and malformed bodies are refused before anything else looks at them.
  app.use(
    createRequestSecurity({
      token,
      allowOrigins: config.allowOrigins,
      // With --allow-remote-bind the bind address itself is also a valid Host. A wildcard address
      // (0.0.0.0, ::) is never what a client sends, so such an agent still answers loopback names only.
      extraHostNames:
        config.allowRemoteBind && !isLoopbackBindAddress(config.apiHost)
          ? [hostHeaderName(config.apiHost)]
          : [],
    }),
  );
  // Room for a base64 .torrent of up to 10 MiB.
  app.useBodyParser('json', { limit: '16mb' });
  app.setGlobalPrefix('api/v1');
  app.useGlobalFilters(new ErrorFilter(options.log ?? defaultLog));
  await app.init();
  return app;
}

/** Starts everything `peer-agent serve` runs: token, state, engine, restored transfers, API. */
export async function startAgent(
  config: AgentConfig,
  options: AgentAppOptions = {},
): Promise<RunningAgent> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await mkdir(config.downloadDir, { recursive: true });
  const token = await loadOrCreateToken(config.dataDir);
  const log = options.log ?? defaultLog;
  const store = new StateStore(config.dataDir);
  const { warning } = await store.load();
  if (warning) log(warning);
  const settings = store.settings();
  const session = await Session.create({
    resumeDir: join(config.dataDir, 'resume'),
    peerPort: config.peerPort,
    listenHost: config.peerHost,
    uploadRateLimit: settings.uploadRateLimit,
    downloadRateLimit: settings.downloadRateLimit,
    maxConnections: settings.maxConnections > 0 ? settings.maxConnections : DEFAULT_MAX_CONNECTIONS,
  });
  const agent = new AgentService({
    session,
    store,
    paths: new PathPolicy(config.allowedRoots),
    downloadDir: config.downloadDir,
    version: AGENT_VERSION,
    log,
  });
  let app: NestExpressApplication;
  try {
    await agent.restore();
    app = await createAgentApp(agent, token, config, { ...options, log });
    await app.listen(config.apiPort, config.apiHost);
  } catch (err) {
    await agent.close().catch(() => undefined);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(
        `cannot listen on ${config.apiHost}:${config.apiPort}: the port is in use ` +
          '(is another agent running? choose another with --api-port)',
      );
    }
    throw err;
  }
  const address = app.getHttpServer().address() as AddressInfo;
  const apiUrl = `http://${urlHost(config.apiHost)}:${address.port}`;
  return {
    app,
    agent,
    token,
    apiUrl,
    pairingLink: pairingLink(config.webUrl, apiUrl, token),
    async close() {
      app.get(EventStream).closeAll();
      await app.close();
      await agent.close();
    },
  };
}

function defaultLog(message: string): void {
  process.stderr.write(`peer-agent: ${message}\n`);
}

/** The web app reads the agent's address and token from the fragment, which no server ever sees. */
export function pairingLink(webUrl: string, apiUrl: string, token: string): string {
  return `${webUrl}/agent#agent=${encodeURIComponent(apiUrl)}&token=${token}`;
}

function hostHeaderName(host: string): string {
  return host.includes(':') ? `[${host.toLowerCase()}]` : host.toLowerCase();
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
