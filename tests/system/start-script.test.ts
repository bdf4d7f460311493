// `node scripts/start.mjs` (what `npm start` runs after building) with every port and path moved
// to a temp dir by its environment: the system comes up, the web shows the tracker's catalog, and
// Ctrl-C takes every process down with it.
import { existsSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../test-support/ports.js';
import { spawnProc, type Proc } from '../../test-support/processes.js';
import { assertRunning, waitFor } from '../../test-support/wait.js';
import { REPO_ROOT, createAndPublish, useSystemTest } from './support.js';

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

interface Ports {
  tracker: number;
  web: number;
  agentApi: number;
  agentPeer: number;
}

/** One run of `node scripts/start.mjs`, in its own process group as a terminal would start it. */
class StartedSystem {
  readonly start: Proc;
  readonly seenPids = new Set<number>();

  constructor(
    readonly dir: string,
    readonly ports: Ports,
  ) {
    this.start = spawnProc(process.execPath, [START_SCRIPT], 'start.mjs', {
      cwd: REPO_ROOT,
      detached: true,
      env: {
        TRACKER_PORT: String(ports.tracker),
        TRACKER_HOST: '127.0.0.1',
        TRACKER_DATABASE_PATH: path.join(dir, 'tracker', 'tracker.sqlite'),
        WEB_PORT: String(ports.web),
        AGENT_API_PORT: String(ports.agentApi),
        AGENT_PEER_PORT: String(ports.agentPeer),
        AGENT_PEER_HOST: '127.0.0.1',
        AGENT_DATA_DIR: path.join(dir, 'agent'),
        AGENT_DOWNLOAD_DIR: path.join(dir, 'downloads'),
      },
    });
  }

  static async launch(dir: string): Promise<StartedSystem> {
    const [tracker, web, agentApi, agentPeer] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    return new StartedSystem(dir, { tracker, web, agentApi, agentPeer });
  }

  get trackerUrl(): string {
    return `http://127.0.0.1:${this.ports.tracker}`;
  }

  get webUrl(): string {
    return `http://127.0.0.1:${this.ports.web}`;
  }

  get agentApiUrl(): string {
    return `http://127.0.0.1:${this.ports.agentApi}/api/v1`;
  }

  noteChildren(): void {
    descendants(this.start.pid).forEach((pid) => this.seenPids.add(pid));
  }

  private async poll<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
    return waitFor(`${what}; output so far:\n${this.start.output.slice(-3000)}`, async () => {
      assertRunning(this.start);
      return check();
    });
  }

  async trackerHealth(): Promise<{ status: string }> {
    const health = await this.poll("the tracker's /health", async () => {
      const res = await fetch(`${this.trackerUrl}/health`);
      return res.ok ? ((await res.json()) as { status: string }) : undefined;
    });
    this.noteChildren();
    return health;
  }

  agentToken(): string {
    return readFileSync(path.join(this.dir, 'agent', 'token'), 'utf8').trim();
  }

  /** The agent's health, asked with the token it wrote into AGENT_DATA_DIR. */
  async agentHealth(): Promise<{ ok: boolean; peerPort: number }> {
    const health = await this.poll("the agent's /api/v1/health", async () => {
      const tokenFile = path.join(this.dir, 'agent', 'token');
      if (!existsSync(tokenFile)) return undefined;
      const res = await fetch(`${this.agentApiUrl}/health`, {
        headers: { authorization: `Bearer ${this.agentToken()}` },
      });
      return res.ok ? ((await res.json()) as { ok: boolean; peerPort: number }) : undefined;
    });
    this.noteChildren();
    return health;
  }

  async webPage(route: string): Promise<string> {
    const page = await this.poll(`the web's ${route}`, async () => {
      const res = await fetch(`${this.webUrl}${route}`);
      return res.status === 200 ? await res.text() : undefined;
    });
    this.noteChildren();
    return page;
  }

  /** Waits until every process start.mjs started has ended and no port answers any more. */
  async expectAllGone(): Promise<void> {
    const children = [...this.seenPids];
    await waitFor(
      `every child of start.mjs to end (alive: ${children.filter(isAlive).join(', ')})`,
      async () => children.every((pid) => !isAlive(pid)),
      20_000,
    );
    await expect(fetch(`${this.trackerUrl}/health`)).rejects.toThrow();
    await expect(fetch(`${this.agentApiUrl}/health`)).rejects.toThrow();
    if (WEB_BUILT) await expect(fetch(`${this.webUrl}/`)).rejects.toThrow();
  }

  /** After a failure midway: nothing this test started may outlive it. */
  async kill(): Promise<void> {
    if (this.start.running) await this.start.stop('SIGKILL');
    for (const pid of this.seenPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
}

describe('npm start (scripts/start.mjs)', () => {
  const work = useSystemTest('start', { trackerDatabase: false });
  let repoDataBefore: string[] | null;
  const systems: StartedSystem[] = [];

  beforeAll(() => {
    repoDataBefore = listTree(REPO_DATA);
  });

  work.onCleanup(async () => {
    for (const system of systems) await system.kill();
    // scripts/start.mjs creates an empty ./data even when every path points elsewhere (reported
    // to its owner); undo that here so the test leaves the working tree as it found it.
    if (repoDataBefore === null && listTree(REPO_DATA)?.length === 0) rmdirSync(REPO_DATA);
  });

  test('starts the tracker, the agent and the web on the configured ports, writes only to the configured paths, and SIGINT stops every child', async () => {
    const dir = path.join(work.dir, 'pid-sigint');
    const system = await StartedSystem.launch(dir);
    systems.push(system);
    const { start, ports, trackerUrl } = system;

    await start.waitFor(/Swarmhub is starting/);
    expect(start.output).toContain(`${trackerUrl}/announce`);
    expect(start.output).toContain(`http://localhost:${ports.web}/`);

    expect((await system.trackerHealth()).status).toBe('ok');
    expect(existsSync(path.join(dir, 'tracker', 'tracker.sqlite'))).toBe(true);
    expect(await system.agentHealth()).toMatchObject({ ok: true, peerPort: ports.agentPeer });
    expect(existsSync(path.join(dir, 'downloads'))).toBe(true);
    // The agent pairs with, and accepts requests from, the web app started beside it.
    expect(start.output).toContain(`Pair the web app: http://localhost:${ports.web}/agent#agent=`);
    for (const [origin, status] of [
      [`http://localhost:${ports.web}`, 200],
      [`http://127.0.0.1:${ports.web}`, 200],
      ['http://attacker.example', 403],
    ] as const) {
      const res = await fetch(`${system.agentApiUrl}/health`, {
        headers: { authorization: `Bearer ${system.agentToken()}`, origin },
      });
      expect(res.status, origin).toBe(status);
    }

    if (WEB_BUILT) {
      // The catalog the web shows is this tracker's: publish a torrent to it and find it there.
      const shared = path.join(dir, 'start-script-check.bin');
      writeFileSync(shared, Buffer.from('the whole system came up\n'));
      const { infoHash } = await createAndPublish(
        { url: trackerUrl, announceUrl: `${trackerUrl}/announce` },
        shared,
        path.join(dir, 'check.torrent'),
      );
      const catalog = await system.webPage('/');
      expect(catalog).toContain('start-script-check.bin');
      expect(catalog).not.toContain('The catalog is not available');
      expect(await system.webPage(`/torrents/${infoHash}`)).toContain(infoHash);
    }

    expect(start.running).toBe(true);
    expect(system.seenPids.size).toBeGreaterThanOrEqual(WEB_BUILT ? 3 : 2);

    await start.stop('SIGINT');
    expect(start.exitCode, start.output).toBe(0);
    // The agent closed itself (announcing `stopped`, flushing state) rather than being killed.
    expect(start.output).toContain('[agent] exited (0)');
    await system.expectAllGone();

    // Nothing was written into the repository's own ./data.
    expect(listTree(REPO_DATA) ?? []).toEqual(repoDataBefore ?? []);
  });

  test('Ctrl-C in a terminal (SIGINT to the whole process group) stops every child', async () => {
    const system = await StartedSystem.launch(path.join(work.dir, 'group-sigint'));
    systems.push(system);
    await system.trackerHealth();
    await system.agentHealth();
    if (WEB_BUILT) await system.webPage('/');
    expect(system.seenPids.size).toBeGreaterThanOrEqual(WEB_BUILT ? 3 : 2);

    // start.mjs was spawned detached, so it leads its own group: this is what the terminal does.
    process.kill(-system.start.pid, 'SIGINT');
    await system.start.exited;
    expect(system.start.exitCode, system.start.output).toBe(0);
    await system.expectAllGone();
  });
});
