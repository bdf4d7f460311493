#!/usr/bin/env node
// Tracker benchmark: announces per second and latency of our tracker (open mode) against
// bittorrent-tracker (npm) and opentracker (Debian), driven by wrk with a new connection per
// announce (real announces come from different machines), one core for wrk and one for the
// tracker. Then: memory held for 1 million peers, and catalog search p95 over 100,000 torrents.
//
//   npm run bench:tracker [-- --duration 10 --rounds 3 --connections 64 --only ours,bittorrent-tracker,opentracker
//                             --skip-memory --skip-search]
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '64' },
    only: { type: 'string', default: 'node-baseline,ours,bittorrent-tracker,opentracker' },
    'skip-memory': { type: 'boolean', default: false },
    'skip-search': { type: 'boolean', default: false },
    'search-torrents': { type: 'string', default: '100000' },
    keep: { type: 'boolean', default: false },
  },
});

const WORKLOADS = [
  { name: 'growing swarms (10,000 torrents)', torrents: 10_000 },
  { name: 'new swarms (1,000,000 torrents)', torrents: 1_000_000 },
];

function has(tool) {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const twoCores = cpus().length >= 2 && has('taskset');
const pin = (core, cmd, args) =>
  twoCores ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args];

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function waitForPort(port, child, what) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await new Promise((res) => {
      const s = createServer();
      s.once('error', () => res(true)); // in use: the server is up
      s.listen(port, '127.0.0.1', () => s.close(() => res(false)));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start listening on ${port}`);
}

function stop(child) {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    child.once('exit', () => res());
    process.kill(child.pid, 'SIGTERM');
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
    }, 5000).unref();
  });
}

function hashHex(i) {
  return '0'.repeat(24) + i.toString(16).padStart(16, '0');
}

/** A file URL of bittorrent-tracker's HTTP server module, or null when it is not installed. */
function bittorrentTrackerServer() {
  const candidates = [
    process.env.BITTORRENT_TRACKER_DIR &&
      join(process.env.BITTORRENT_TRACKER_DIR, 'node_modules/bittorrent-tracker/server.js'),
    join(root, 'node_modules/bittorrent-tracker/server.js'),
  ].filter(Boolean);
  for (const file of candidates) {
    try {
      const url = pathToFileURL(file).href;
      execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `await import(${JSON.stringify(url)})`],
        {
          stdio: 'ignore',
        },
      );
      return url;
    } catch {
      // not there, or it does not load: try the next place
    }
  }
  return null;
}

const work = mkdtempSync(join(tmpdir(), 'bench-tracker-'));
const logDir = join(work, 'logs');
mkdirSync(logDir);

const SERVERS = {
  // Not a tracker: Node's http answering a fixed bencoded body. It shows the ceiling that the
  // load generator and the machine allow, so the other figures can be read against it.
  'node-baseline': {
    available: () => true,
    async start(port, workload) {
      const script = `
        const body = Buffer.from('d8:completei0e10:incompletei0e8:intervali1800e5:peers0:e');
        require('node:http').createServer((req, res) => {
          res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
          res.end(body);
        }).listen(${port}, '127.0.0.1');
      `;
      const [cmd, args] = pin(1, process.execPath, ['-e', script]);
      return spawn(cmd, args, {
        stdio: ['ignore', 'ignore', createLog(`node-baseline-${workload.torrents}`)],
      });
    },
  },
  ours: {
    available: () => true,
    async start(port, workload) {
      const dbDir = join(work, `ours-${port}`);
      const [cmd, args] = pin(1, process.execPath, [join(root, 'apps/tracker-api/dist/main.js')]);
      const child = spawn(cmd, args, {
        env: {
          ...process.env,
          TRACKER_MODE: 'open',
          TRACKER_PORT: String(port),
          TRACKER_HOST: '127.0.0.1',
          TRACKER_DATABASE_PATH: join(dbDir, 'tracker.sqlite'),
          TRACKER_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', createLog(`ours-${workload.torrents}`)],
      });
      return child;
    },
  },
  // Not a dependency of the repository (its optional WebRTC addon breaks `npm ci`): install it
  // anywhere with `npm install --ignore-scripts bittorrent-tracker` and point
  // BITTORRENT_TRACKER_DIR at that directory, or have it in the root node_modules.
  'bittorrent-tracker': {
    available: () => bittorrentTrackerServer() !== null,
    async start(port, workload) {
      const script = `
        const { default: Server } = await import(${JSON.stringify(bittorrentTrackerServer())});
        const server = new Server({ udp: false, ws: false, http: true, stats: false, trustProxy: false });
        server.on('error', (e) => console.error(e.message));
        server.on('warning', () => {});
        server.listen(${port}, '127.0.0.1');
      `;
      const [cmd, args] = pin(1, process.execPath, ['--input-type=module', '-e', script]);
      return spawn(cmd, args, {
        cwd: root,
        stdio: ['ignore', 'ignore', createLog(`btt-${workload.torrents}`)],
      });
    },
  },
  opentracker: {
    available: () => has('opentracker'),
    async start(port, workload) {
      // Debian's build is whitelist-only; the list path is relative to the -d chroot directory.
      const dir = join(work, `opentracker-${workload.torrents}`);
      mkdirSync(dir, { recursive: true });
      const lines = [];
      for (let i = 0; i < workload.torrents; i++) lines.push(hashHex(i));
      writeFileSync(join(dir, 'whitelist'), lines.join('\n') + '\n', { mode: 0o644 });
      // It drops root for "nobody" after the chroot, so the directories must be readable.
      execFileSync('chmod', ['755', work, dir]);
      const udpPort = await freePort();
      const [cmd, args] = pin(1, 'opentracker', [
        '-i',
        '127.0.0.1',
        '-p',
        String(port),
        '-P',
        String(udpPort),
        '-d',
        dir,
        '-w',
        'whitelist',
      ]);
      return spawn(cmd, args, {
        stdio: ['ignore', 'ignore', createLog(`opentracker-${workload.torrents}`)],
      });
    },
  },
};

/** A file descriptor for a server's stderr (a stream would not be ready when spawn needs it). */
function createLog(name) {
  return openSync(join(logDir, `${name}.log`), 'w');
}

function parseWrk(text) {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]);
  const unit = (v, u) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 }[u] ?? NaN);
  const pct = (p) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(text);
    return m ? unit(m[1], m[2]) : NaN;
  };
  const errors = /Socket errors: (.*)/.exec(text)?.[1] ?? 'none';
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  const requests = Number(/(\d+) requests in/.exec(text)?.[1]);
  return { rps, p50: pct(50), p99: pct(99), requests, errors, non2xx };
}

const logName = (name) => ({ 'bittorrent-tracker': 'btt' })[name] ?? name;

function runWrk(port, workload, seconds) {
  const [cmd, args] = pin(0, 'wrk', [
    '-t1',
    `-c${opts.connections}`,
    `-d${seconds}s`,
    '--latency',
    '-H',
    'Connection: close',
    '-s',
    join(root, 'scripts/bench/tracker-announce.lua'),
    `http://127.0.0.1:${port}`,
  ]);
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, {
      env: { ...process.env, BENCH_TORRENTS: String(workload.torrents) },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('error', rej);
    child.once('exit', (code) =>
      code === 0 ? res(parseWrk(out)) : rej(new Error(`wrk failed (${code}):\n${out}`)),
    );
  });
}

/**
 * One real announce, so a server that answers nonsense is caught before timing it. opentracker
 * loads its whitelist in the background, so a refusal is retried for a while.
 */
async function checkAnnounce(port) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await announceOnce(port);
    } catch (error) {
      if (attempt >= 60) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function announceOnce(port) {
  const hash = hashHex(1).replace(/../g, '%$&');
  const res = await fetch(
    `http://127.0.0.1:${port}/announce?info_hash=${hash}&peer_id=-BN0001-abcdefghijkl&port=6881&uploaded=0&downloaded=0&left=1&compact=1`,
  );
  const body = Buffer.from(await res.arrayBuffer()).toString('latin1');
  if (!body.includes('8:interval')) throw new Error(`bad announce answer: ${body.slice(0, 200)}`);
}

async function announceBenchmarks() {
  if (!has('wrk')) {
    console.log('wrk is not installed (apt-get install -y wrk): skipping the announce benchmark');
    return [];
  }
  const names = opts.only.split(',').filter((n) => SERVERS[n] && SERVERS[n].available());
  for (const n of opts.only.split(','))
    if (!names.includes(n)) console.log(`${n}: not installed, skipped`);
  const rounds = Number(opts.rounds);
  const runs = [];
  // Rounds interleave the servers, so a burst of other work on the machine hits them all alike;
  // each figure reported is the median over the rounds.
  for (let round = 1; round <= rounds; round++) {
    for (const workload of WORKLOADS) {
      for (const name of names) {
        const r = await measure(name, workload);
        if (r === null) continue;
        runs.push({ workload: workload.name, server: name, round, ...r });
        console.log(
          `round ${round}  ${workload.name.padEnd(34)} ${name.padEnd(20)} ${r.rps.toFixed(0).padStart(7)} announces/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  cpu ${r.cpuUs.toFixed(0)} µs/announce  load ${r.load1.toFixed(1)}  (${r.requests} requests, socket errors: ${r.errors}, non-2xx: ${r.non2xx})`,
        );
      }
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const results = [];
  console.log(`\nMedians over ${rounds} round(s):`);
  for (const workload of WORKLOADS) {
    for (const name of names) {
      const mine = runs.filter((r) => r.workload === workload.name && r.server === name);
      if (mine.length === 0) continue;
      const m = {
        workload: workload.name,
        server: name,
        rps: median(mine.map((r) => r.rps)),
        p50: median(mine.map((r) => r.p50)),
        p99: median(mine.map((r) => r.p99)),
        cpuUs: median(mine.map((r) => r.cpuUs)),
      };
      results.push(m);
      console.log(
        `  ${workload.name.padEnd(34)} ${name.padEnd(20)} ${m.rps.toFixed(0).padStart(7)} announces/s  p50 ${m.p50.toFixed(2)} ms  p99 ${m.p99.toFixed(2)} ms  cpu ${m.cpuUs.toFixed(0)} µs/announce`,
      );
    }
  }
  console.log(
    '\nRatios of the medians (ours / other: announces per second; and CPU per announce, other / ours):',
  );
  for (const workload of WORKLOADS) {
    const ours = results.find((r) => r.workload === workload.name && r.server === 'ours');
    for (const other of results.filter(
      (r) => r.workload === workload.name && r.server !== 'ours',
    )) {
      if (ours)
        console.log(
          `  ${workload.name}: ours / ${other.server} = ${(ours.rps / other.rps).toFixed(2)}  (CPU per announce: ${(other.cpuUs / ours.cpuUs).toFixed(2)})`,
        );
    }
  }
  return { runs, medians: results };
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds (user + system, every thread) a server has used so far, from /proc; NaN where
 * there is no /proc. Per announce, this is steadier than the rate when other work shares the
 * machine: it says what an announce costs, whatever else ran meanwhile.
 */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

async function measure(name, workload) {
  const port = await freePort();
  const child = await SERVERS[name].start(port, workload);
  try {
    await waitForPort(port, child, name);
    await checkAnnounce(port);
    await runWrk(port, workload, 2); // warm-up (JIT, first swarms)
    const load1 = loadavg()[0];
    const cpuBefore = cpuSeconds(child.pid);
    const result = await runWrk(port, workload, Number(opts.duration));
    const cpuUs = ((cpuSeconds(child.pid) - cpuBefore) / result.requests) * 1e6;
    return { ...result, cpuUs, load1 };
  } catch (error) {
    const log = readFileSync(
      join(logDir, `${logName(name)}-${workload.torrents}.log`),
      'utf8',
    ).slice(-2000);
    console.log(`${workload.name} ${name}: FAILED ${error.message}\n${log}`);
    return null;
  } finally {
    await stop(child);
  }
}

/** Heap held by the swarm registry for 1,000,000 peers over 10,000 torrents. */
function memoryBenchmark() {
  const script = `
    import { SwarmRegistry } from ${JSON.stringify(join(root, 'apps/tracker-api/dist/swarm/swarm-registry.js'))};
    import { peerEndpoint } from ${JSON.stringify(join(root, 'apps/tracker-api/dist/swarm/peer-address.js'))};
    import { randomBytes } from 'node:crypto';
    const registry = new SwarmRegistry({ interval: 1800, peerGraceSeconds: 120 });
    global.gc(); global.gc();
    const before = process.memoryUsage();
    const now = Date.now();
    for (let i = 0; i < 1_000_000; i++) {
      const infoHash = (i % 10_000).toString(16).padStart(40, '0');
      const ip = '10.' + ((i >>> 16) & 255) + '.' + ((i >>> 8) & 255) + '.' + (i & 255);
      const left = i % 4 === 0 ? 0 : 1_000_000;
      registry.save(infoHash, { peerId: randomBytes(20).toString('latin1'), ...peerEndpoint(ip), port: 1024 + (i % 60000),
        uploaded: 0, downloaded: 0, left, paused: false, key: null, lastAnnounce: now, row: 0, slot: 0, seeding: left === 0 });
      if (i % 100_000 === 0) registry.takeChanges();
    }
    registry.takeChanges(); // what the write-behind flush does every second
    global.gc(); global.gc();
    const after = process.memoryUsage();
    const totals = registry.totals();
    console.log(JSON.stringify({ peers: totals.peers, heapMiB: (after.heapUsed - before.heapUsed) / 1048576,
      rssMiB: (after.rss - before.rss) / 1048576 }));
  `;
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  const r = JSON.parse(out.trim().split('\n').pop());
  console.log(
    `\nMemory for ${r.peers.toLocaleString('en')} peers in 10,000 swarms: heap ${r.heapMiB.toFixed(0)} MiB (${((r.heapMiB * 1048576) / r.peers).toFixed(0)} bytes/peer), RSS +${r.rssMiB.toFixed(0)} MiB`,
  );
  return r;
}

/** Catalog search latency with many torrents: rows written straight into a migrated database. */
async function searchBenchmark() {
  const count = Number(opts['search-torrents']);
  const dbDir = join(work, 'search');
  const dbPath = join(dbDir, 'tracker.sqlite');
  const port = await freePort();
  const env = {
    ...process.env,
    TRACKER_MODE: 'listed',
    TRACKER_PORT: String(port),
    TRACKER_HOST: '127.0.0.1',
    TRACKER_DATABASE_PATH: dbPath,
    TRACKER_LOG_LEVEL: 'warn',
  };
  const main = join(root, 'apps/tracker-api/dist/main.js');
  // First start runs the migrations; then the rows go in while it is stopped.
  let child = spawn(process.execPath, [main], { env, stdio: 'ignore' });
  await waitForPort(port, child, 'tracker');
  await stop(child);

  const words = [
    'linux',
    'debian',
    'ubuntu',
    'arch',
    'movie',
    'music',
    'album',
    'live',
    'concert',
    'podcast',
    'lecture',
    'course',
    'dataset',
    'archive',
    'backup',
    'iso',
    'source',
    'game',
    'mod',
    'book',
    'audio',
    'video',
    'open',
    'free',
    'remaster',
    'collection',
    'season',
    'episode',
    'documentary',
    'science',
  ];
  const categories = ['linux', 'video', 'music', 'books', 'software', 'data'];
  const fillStart = Date.now();
  const fill = `
    import sqlite3 from 'sqlite3';
    const db = new sqlite3.Database(${JSON.stringify(dbPath)});
    const words = ${JSON.stringify(words)};
    const categories = ${JSON.stringify(categories)};
    let seed = 42;
    const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const pick = () => words[rnd(words.length)];
    const run = (sql, params = []) => new Promise((res, rej) => db.run(sql, params, (e) => (e ? rej(e) : res())));
    await run('PRAGMA journal_mode=WAL');
    await run('BEGIN');
    const t = db.prepare('INSERT INTO torrents (info_hash, title, description, category, tags, name, total_size, piece_length, piece_count, file_count, private, created_by, comment, creation_date, trackers, uploaded_at, completed, torrent_data) VALUES (?, ?, NULL, ?, ?, ?, ?, 262144, ?, 3, 0, NULL, NULL, NULL, ?, ?, ?, ?)');
    const f = db.prepare('INSERT INTO torrent_files (info_hash, file_index, path, size) VALUES (?, ?, ?, ?)');
    const s = db.prepare('INSERT INTO torrents_fts (rowid, info_hash, title, name, files, tags) SELECT rowid, ?, ?, ?, ?, ? FROM torrents WHERE info_hash = ?');
    const step = (stmt, params) => new Promise((res, rej) => stmt.run(params, (e) => (e ? rej(e) : res())));
    const blob = Buffer.alloc(200);
    for (let i = 0; i < ${count}; i++) {
      const h = i.toString(16).padStart(40, '0');
      const name = pick() + '-' + pick() + '-' + i;
      const title = pick() + ' ' + pick() + ' ' + pick() + ' ' + i;
      const files = [name + '/' + pick() + '.mkv', name + '/' + pick() + '.txt', name + '/extras/' + pick() + '.nfo'];
      const tags = [pick(), pick()];
      const size = 1e6 + rnd(1e9);
      await step(t, [h, title, categories[rnd(categories.length)], JSON.stringify(tags), name, size, Math.ceil(size / 262144), '{"trackers":[],"webSeeds":[]}', 1.7e12 + i * 1000, rnd(500), blob]);
      for (let j = 0; j < 3; j++) await step(f, [h, j, files[j], 1000]);
      await step(s, [h, title, name, files.join('\\n'), tags.join(' '), h]);
    }
    await run('COMMIT');
    for (const stmt of [t, f, s]) await new Promise((res) => stmt.finalize(res));
    db.close();
  `;
  execFileSync(process.execPath, ['--input-type=module', '-e', fill], {
    cwd: join(root, 'apps/tracker-api'),
    stdio: 'inherit',
  });
  console.log(
    `\nCatalog: ${count.toLocaleString('en')} torrents written in ${((Date.now() - fillStart) / 1000).toFixed(1)} s`,
  );

  child = spawn(process.execPath, [main], { env, stdio: 'ignore' });
  await waitForPort(port, child, 'tracker');
  try {
    const queries = [];
    for (let i = 0; i < 300; i++) {
      const kind = i % 5;
      const w1 = words[(i * 7) % words.length];
      const w2 = words[(i * 13 + 5) % words.length];
      if (kind === 0) queries.push(`q=${w1}`);
      else if (kind === 1) queries.push(`q=${w1}%20${w2}&sort=seeders`);
      else if (kind === 2)
        queries.push(
          `q=${w1.slice(0, 3)}&category=${categories[i % categories.length]}&sort=size&order=asc`,
        );
      else if (kind === 3) queries.push(`sort=completed&page=${1 + (i % 50)}`);
      else queries.push(`q=${w1}&sort=name&page=3`);
    }
    for (const q of queries.slice(0, 20))
      await fetch(`http://127.0.0.1:${port}/api/v1/torrents?${q}`); // warm-up
    const times = [];
    const byKind = new Map();
    for (const [i, q] of queries.entries()) {
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/torrents?${q}`);
      const body = await res.json();
      const ms = performance.now() - t0;
      if (res.status !== 200 || !Array.isArray(body.items))
        throw new Error(`search ${q} failed: ${res.status}`);
      times.push(ms);
      const kind = [
        'word',
        'two words by live seeders',
        'prefix+category by size',
        'no query by completed',
        'word by name page 3',
      ][i % 5];
      byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
    }
    const pct = (arr, p) =>
      [...arr].sort((a, b) => a - b)[Math.min(arr.length - 1, Math.floor((p / 100) * arr.length))];
    console.log(
      `Catalog search over ${count.toLocaleString('en')} torrents, ${times.length} sequential queries: p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`,
    );
    for (const [kind, arr] of byKind)
      console.log(
        `  ${kind.padEnd(28)} p50 ${pct(arr, 50).toFixed(1)} ms  p95 ${pct(arr, 95).toFixed(1)} ms`,
      );
    return { count, p50: pct(times, 50), p95: pct(times, 95) };
  } finally {
    await stop(child);
  }
}

try {
  console.log(
    `Tracker benchmark: wrk, 1 thread, ${opts.connections} connections, ${opts.duration} s, a new connection per announce${twoCores ? ', wrk on core 0 and the tracker on core 1' : ''}\n`,
  );
  // Other work on the machine skews every figure; the load average is printed with them.
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const announces = await announceBenchmarks();
  console.log(
    `load average after the announce runs: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const memory = opts['skip-memory'] ? null : memoryBenchmark();
  const search = opts['skip-search'] ? null : await searchBenchmark();
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(
    join(root, 'bench-results/tracker.json'),
    JSON.stringify({ at: new Date().toISOString(), announces, memory, search }, null, 2),
  );
} finally {
  if (opts.keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
