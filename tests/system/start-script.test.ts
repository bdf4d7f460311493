// `node scripts/start.mjs` (what `npm start` runs after building) with every port and path moved
// to a temp dir by its environment: the system comes up, the web shows the tracker's catalog, and
// Ctrl-C takes every process down with it.
import { existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  REPO_ROOT,
  buildApps,
  freePort,
  peerAgentRun,
  spawnProc,
  tempDir,
  until,
  type Proc,
} from './support.js';

const START_SCRIPT = path.join(REPO_ROOT, 'scripts', 'start.mjs');
const REPO_DATA = path.join(REPO_ROOT, 'data');
const WEB_BUILT = existsSync(path.join(REPO_ROOT, 'apps', 'web', '.next', 'BUILD_ID'));

/** Every file and directory below `dir`, or null when `dir` does not exist. */
function listTree(dir: string): string[] | null {
  if (!existsSync(dir)) return null;
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** PIDs of every live descendant of `pid`, read from /proc (children of children too). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name in parentheses may hold spaces: the fields after its ')' are fixed.
      const [, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(entry), Number(ppid));
    } catch {
      // gone between readdir and read
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** A process that exists and is not a zombie (a zombie has already ended). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('npm start (scripts/start.mjs)', () => {
  let work: { dir: string; remove: () => Promise<void> };
  let start: Proc | undefined;
  let repoDataBefore: string[] | null;
  const seenPids = new Set<number>();

  beforeAll(async () => {
    await buildApps();
    work = await tempDir('start');
    repoDataBefore = listTree(REPO_DATA);
  });

  afterAll(async () => {
    // On a failure midway, nothing this test started may outlive it.
    if (start?.running) await start.stop('SIGKILL');
    for (const pid of seenPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    // scripts/start.mjs creates an empty ./data even when every path points elsewhere (reported
    // to its owner); undo that here so the test leaves the working tree as it found it.
    if (repoDataBefore === null && listTree(REPO_DATA)?.length === 0) rmdirSync(REPO_DATA);
    await work?.remove();
  });

  test('starts the tracker, the agent and the web on the configured ports, writes only to the configured paths, and Ctrl-C stops every child', async () => {
    const [trackerPort, webPort, agentApiPort, agentPeerPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const trackerUrl = `http://127.0.0.1:${trackerPort}`;
    start = spawnProc(process.execPath, [START_SCRIPT], 'start.mjs', {
      env: {
        TRACKER_PORT: String(trackerPort),
        TRACKER_HOST: '127.0.0.1',
        TRACKER_DATABASE_PATH: path.join(work.dir, 'tracker', 'tracker.sqlite'),
        WEB_PORT: String(webPort),
        AGENT_API_PORT: String(agentApiPort),
        AGENT_PEER_PORT: String(agentPeerPort),
        AGENT_PEER_HOST: '127.0.0.1',
        AGENT_DATA_DIR: path.join(work.dir, 'agent'),
        AGENT_DOWNLOAD_DIR: path.join(work.dir, 'downloads'),
      },
    });
    const noteChildren = () => descendants(start!.pid).forEach((pid) => seenPids.add(pid));

    await start.waitFor(/Swarmhub is starting/);
    expect(start.output).toContain(`http://127.0.0.1:${trackerPort}/announce`);
    expect(start.output).toContain(`http://localhost:${webPort}/`);

    const health = await until(async () => {
      if (!start!.running) throw new Error(`start.mjs exited:\n${start!.output}`);
      const res = await fetch(`${trackerUrl}/health`);
      return res.ok ? ((await res.json()) as { status: string }) : undefined;
    }, `the tracker's /health; output:\n${start.output}`);
    expect(health.status).toBe('ok');
    expect(existsSync(path.join(work.dir, 'tracker', 'tracker.sqlite'))).toBe(true);
    noteChildren();

    // The catalog the web shows is this tracker's: publish a torrent to it and find it there.
    const shared = path.join(work.dir, 'start-script-check.bin');
    writeFileSync(shared, Buffer.from('the whole system came up\n'));
    const created = await peerAgentRun([
      'create',
      shared,
      '--tracker',
      `${trackerUrl}/announce`,
      '--out',
      path.join(work.dir, 'check.torrent'),
      '--publish',
      trackerUrl,
    ]);

    // The local agent: its control API answers with the token it wrote into AGENT_DATA_DIR.
    const agentHealth = await until(async () => {
      if (!start!.running) throw new Error(`start.mjs exited:\n${start!.output}`);
      const tokenFile = path.join(work.dir, 'agent', 'token');
      if (!existsSync(tokenFile)) return undefined;
      const res = await fetch(`http://127.0.0.1:${agentApiPort}/api/v1/health`, {
        headers: { authorization: `Bearer ${readFileSync(tokenFile, 'utf8').trim()}` },
      });
      return res.ok ? ((await res.json()) as { ok: boolean; peerPort: number }) : undefined;
    }, `the agent's /api/v1/health on port ${agentApiPort}; output:\n${start.output}`);
    expect(agentHealth).toMatchObject({ ok: true, peerPort: agentPeerPort });
    expect(existsSync(path.join(work.dir, 'downloads'))).toBe(true);
    noteChildren();

    if (WEB_BUILT) {
      const page = await until(async () => {
        if (!start!.running) throw new Error(`start.mjs exited:\n${start!.output}`);
        const res = await fetch(`http://127.0.0.1:${webPort}/`);
        return res.status === 200 ? await res.text() : undefined;
      }, `the web's / on port ${webPort}; output:\n${start.output}`);
      expect(page).toContain('start-script-check.bin');
      expect(page).not.toContain('The catalog is not available');
      const infoHash = /info hash:\s+([0-9a-f]{40})/.exec(created)![1]!;
      const torrentPage = await fetch(`http://127.0.0.1:${webPort}/torrents/${infoHash}`);
      expect(torrentPage.status).toBe(200);
      expect(await torrentPage.text()).toContain(infoHash);
      noteChildren();
    }

    expect(start.running).toBe(true);
    const children = [...seenPids];
    expect(children.length).toBeGreaterThanOrEqual(WEB_BUILT ? 3 : 2);

    await start.stop('SIGINT');
    expect(start.exitCode, start.output).toBe(0);
    // The agent closed itself (announcing `stopped`, flushing state) rather than being killed.
    expect(start.output).toContain('[agent] exited (0)');
    await until(
      async () => children.every((pid) => !isAlive(pid)),
      `every child of start.mjs to end (alive: ${children.filter(isAlive).join(', ')})`,
      20_000,
    );
    await expect(fetch(`${trackerUrl}/health`)).rejects.toThrow();
    if (WEB_BUILT) await expect(fetch(`http://127.0.0.1:${webPort}/`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${agentApiPort}/api/v1/health`)).rejects.toThrow();

    // Nothing was written into the repository's own ./data.
    expect(listTree(REPO_DATA) ?? []).toEqual(repoDataBefore ?? []);
  });
});
