#!/usr/bin/env node
// Starts the whole system on one machine: the tracker (with its embedded SQLite under ./data),
// the web app, and a local peer agent. Each runs as its own process; if one exits, the others
// are stopped too, so a half-started system never lingers. Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(root, 'data');

const trackerPort = process.env.TRACKER_PORT ?? '6969';
const webPort = process.env.WEB_PORT ?? '3000';
const agentApiPort = process.env.AGENT_API_PORT ?? '6880';
const trackerUrl = `http://127.0.0.1:${trackerPort}`;

const services = [
  {
    name: 'tracker',
    entry: join(root, 'apps/tracker-api/dist/main.js'),
    command: process.execPath,
    args: [join(root, 'apps/tracker-api/dist/main.js')],
    env: {
      TRACKER_PORT: trackerPort,
      TRACKER_DATABASE_PATH: process.env.TRACKER_DATABASE_PATH ?? join(dataDir, 'tracker.sqlite'),
    },
  },
  {
    name: 'web',
    entry: join(root, 'apps/web/.next/BUILD_ID'),
    command: process.execPath,
    args: [join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', webPort],
    cwd: join(root, 'apps/web'),
    env: { WEB_PORT: webPort, TRACKER_API_URL: process.env.TRACKER_API_URL ?? trackerUrl },
  },
  {
    name: 'agent',
    entry: join(root, 'apps/peer-agent/dist/daemon/main.js'),
    command: process.execPath,
    args: [join(root, 'apps/peer-agent/dist/daemon/main.js')],
    // The web app's own origins are the ones the agent must accept, whatever port it runs on.
    env: {
      AGENT_DATA_DIR: process.env.AGENT_DATA_DIR ?? join(dataDir, 'agent'),
      AGENT_DOWNLOAD_DIR: process.env.AGENT_DOWNLOAD_DIR ?? join(dataDir, 'downloads'),
      AGENT_API_PORT: agentApiPort,
      AGENT_WEB_URL: process.env.AGENT_WEB_URL ?? `http://localhost:${webPort}`,
      AGENT_ALLOW_ORIGINS:
        process.env.AGENT_ALLOW_ORIGINS ??
        `http://localhost:${webPort},http://127.0.0.1:${webPort}`,
    },
  },
];

const children = [];
let stopping = false;

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  // A child that ignores SIGTERM must not outlive us as an orphan.
  setTimeout(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    process.exit(code);
  }, 5000).unref();
  Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
  ).then(() => process.exit(code));
}

for (const service of services) {
  if (!existsSync(service.entry)) {
    console.log(`[start] ${service.name}: not built (${service.entry} missing), skipped`);
    continue;
  }
  const child = spawn(service.command, service.args, {
    cwd: service.cwd ?? root,
    env: { ...process.env, ...service.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (line) => `[${service.name}] ${line}`;
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) console.log(prefix(line));
    });
  }
  child.on('exit', (code, signal) => {
    console.log(prefix(`exited (${signal ?? code})`));
    stopAll(code ?? 1);
  });
  children.push(child);
}

if (children.length === 0) {
  console.error('[start] nothing to start: run `npm run build` first');
  process.exit(1);
}

console.log(`
Swarmhub is starting:
  web catalog      http://localhost:${webPort}/
  tracker announce http://127.0.0.1:${trackerPort}/announce
  catalog API      http://127.0.0.1:${trackerPort}/api/v1   (OpenAPI: /api/docs)
  agent API        http://127.0.0.1:${agentApiPort}/api/v1  (pair the web app with the link the agent prints)
Ctrl-C stops everything.
`);

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
