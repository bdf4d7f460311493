#!/usr/bin/env node
// Transfer benchmark on loopback: one seeder to one downloader, our agent and aria2c in every
// pairing, in the same run. Reports MB/s, CPU seconds and peak RSS of the downloading process
// (GNU time), and the machine's limits beside them.
//
//   npm run bench:transfer                       (1 GiB)
//   BENCH_SIZE_MB=256 npm run bench:transfer     (smaller)
//   BENCH_PAIRS=ours-ours,aria2-aria2 ...        (a subset; empty: none, the swarm only)
//   BENCH_SWARM=0                                (skip the swarm)
//   BENCH_SWARM_ORDER=rarest                     (the swarm with rarest first only)
//   BENCH_SWARM_ROUNDS=5                         (swarm rounds per order, median reported; 3)
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const AGENT = path.join(ROOT, 'apps', 'peer-agent', 'bin', 'peer-agent.js');
const SIZE = Math.round(Number(process.env.BENCH_SIZE_MB ?? 1024) * 1024 * 1024);
const PAIRS = (process.env.BENCH_PAIRS ?? 'ours-ours,aria2-aria2,aria2-ours,ours-aria2')
  .split(',')
  .filter(Boolean);
const PIECE_LOG2 = Number(process.env.BENCH_PIECE_LOG2 ?? 20); // 1 MiB pieces
const SWARM = process.env.BENCH_SWARM !== '0';
const SWARM_SIZE = Math.round(Number(process.env.BENCH_SWARM_SIZE_MB ?? 64) * 1024 * 1024);
const SWARM_LEECHERS = Number(process.env.BENCH_SWARM_LEECHERS ?? 8);
const SWARM_SEED_RATE = Math.round(Number(process.env.BENCH_SWARM_SEED_MBPS ?? 16) * 1024 * 1024);
// Nine agents share the machine's cores in a swarm, so single rounds vary: the median is reported.
const SWARM_ROUNDS = Math.max(1, Number(process.env.BENCH_SWARM_ROUNDS ?? 3));
const MB = 1e6;

const ARIA2 = [
  '--enable-dht=false',
  '--bt-enable-lpd=false',
  '--enable-peer-exchange=false',
  '--disable-ipv6=true',
  '--interface=127.0.0.1',
  '--console-log-level=warn',
  '--summary-interval=0',
  '--file-allocation=none',
  '--bt-tracker-interval=5',
  '--bt-max-peers=55',
];

// ------------------------------------------------------------------ a tiny open tracker

function bencode(v) {
  if (Buffer.isBuffer(v)) return Buffer.concat([Buffer.from(`${v.length}:`), v]);
  if (typeof v === 'number') return Buffer.from(`i${Math.trunc(v)}e`);
  if (typeof v === 'string') return bencode(Buffer.from(v));
  const keys = Object.keys(v).sort();
  return Buffer.concat([
    Buffer.from('d'),
    ...keys.flatMap((k) => [bencode(k), bencode(v[k])]),
    Buffer.from('e'),
  ]);
}

function percentDecode(s) {
  const out = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(s.charCodeAt(i));
  }
  return Buffer.from(out);
}

async function startTracker() {
  const swarms = new Map();
  const server = http.createServer((req, res) => {
    const [, query = ''] = (req.url ?? '').split('?');
    const p = new Map(
      query
        .split('&')
        .map((kv) => kv.split('='))
        .map(([k, v = '']) => [k, percentDecode(v)]),
    );
    const hash = p.get('info_hash')?.toString('hex') ?? '';
    const port = Number(p.get('port')?.toString());
    const left = Number(p.get('left')?.toString() ?? 0);
    const event = p.get('event')?.toString() ?? '';
    const swarm = swarms.get(hash) ?? new Map();
    swarms.set(hash, swarm);
    const key = `127.0.0.1:${port}`;
    if (event === 'stopped') swarm.delete(key);
    else swarm.set(key, { port, left });
    const peers = Buffer.concat(
      [...swarm.entries()]
        .filter(([k]) => k !== key)
        .map(([, peer]) => {
          const b = Buffer.from([127, 0, 0, 1, 0, 0]);
          b.writeUInt16BE(peer.port, 4);
          return b;
        }),
    );
    res.end(bencode({ interval: 5, peers }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}/announce`,
    seedCount: (hash) => [...(swarms.get(hash)?.values() ?? [])].filter((x) => x.left === 0).length,
    reset: () => swarms.clear(),
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))),
  };
}

// ------------------------------------------------------------------ helpers

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function makeFile(file, size) {
  const fd = openSync(file, 'w');
  const chunk = Buffer.allocUnsafe(8 << 20);
  for (let done = 0; done < size;) {
    const n = Math.min(chunk.length, size - done);
    randomFillSync(chunk, 0, n);
    writeSync(fd, chunk, 0, n);
    done += n;
  }
  closeSync(fd);
}

/**
 * This kind of VM hands memory back to its host about two seconds after the guest frees it, and
 * taking it back costs the guest ~2.4 s of kernel time per GiB (measured with dd: 1 GiB into a new
 * file costs 0.3 s of system time right after 1 GiB of page cache was freed, 2.4 s two seconds
 * later). A downloader writes a whole new file into the page cache, so without care whoever starts
 * soonest after the previous run's output was deleted is charged least: aria2's seeder starts at
 * once, ours first checks its data. So every downloader starts right after the same warm-up: a
 * file of the transfer's size written and deleted, which leaves that much memory freshly freed.
 */
function warmFreeMemory(work) {
  const file = path.join(work, 'warm-up.bin');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(8 << 20, 1);
  for (let done = 0; done < SIZE; done += chunk.length) writeSync(fd, chunk);
  closeSync(fd);
  rmSync(file);
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Starts a process under GNU time; `done` resolves with its exit code and resource figures. */
function run(cmd, args, { timed = false } = {}) {
  const argv = timed ? ['-f', 'BENCH_TIME %e %U %S %M', cmd, ...args] : args;
  const child = spawn(timed ? '/usr/bin/time' : cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // When each piece of output arrived, to time events by what the process printed.
  const chunks = [];
  const onData = (c) => {
    output += c;
    chunks.push({ at: process.hrtime.bigint(), end: output.length });
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  /** When the process first printed something matching `re` (hrtime), or undefined. */
  const printedAt = (re) => {
    const m = re.exec(output);
    if (!m) return undefined;
    return chunks.find((c) => c.end > m.index)?.at;
  };
  const done = new Promise((resolve) =>
    child.on('exit', (code) => {
      const m = /BENCH_TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(output);
      resolve({
        code,
        output,
        wall: m ? Number(m[1]) : NaN,
        cpu: m ? Number(m[2]) + Number(m[3]) : NaN,
        sys: m ? Number(m[3]) : NaN,
        maxRssKiB: m ? Number(m[4]) : NaN,
      });
    }),
  );
  return { child, done, output: () => output, printedAt };
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** User + system CPU seconds a running process has used so far (all its threads). */
function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime
  } catch {
    return NaN;
  }
}

async function waitUntil(cond, timeoutMs, what) {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stop(proc) {
  if (proc.child.exitCode === null) proc.child.kill('SIGTERM');
  const t = setTimeout(() => proc.child.kill('SIGKILL'), 5000);
  return proc.done.finally(() => clearTimeout(t));
}

const agentFlags = (dataDir) => [
  '--data-dir',
  dataDir,
  '--peer-port',
  '0',
  '--listen-host',
  '127.0.0.1',
];

function seeder(kind, torrent, dataFile, work, extra = []) {
  if (kind === 'ours') {
    return run(process.execPath, [
      AGENT,
      'seed',
      torrent,
      dataFile,
      ...agentFlags(path.join(work, `seed-state-${Math.random()}`)),
      ...extra,
    ]);
  }
  return freePort().then((port) =>
    run('aria2c', [
      ...ARIA2,
      `--listen-port=${port}`,
      '--bt-seed-unverified=true',
      '--seed-ratio=0.0',
      '--check-integrity=false',
      '-d',
      path.dirname(dataFile),
      torrent,
    ]),
  );
}

async function downloader(kind, torrent, out, work) {
  if (kind === 'ours') {
    return run(
      process.execPath,
      [
        AGENT,
        'download',
        torrent,
        '--out',
        out,
        ...agentFlags(path.join(work, `dl-state-${Math.random()}`)),
      ],
      {
        timed: true,
      },
    );
  }
  const port = await freePort();
  return run('aria2c', [...ARIA2, `--listen-port=${port}`, '--seed-time=0', '-d', out, torrent], {
    timed: true,
  });
}

// ------------------------------------------------------------------ measurements

function sha1Rate() {
  const buf = Buffer.allocUnsafe(256 * 1024);
  randomFillSync(buf);
  const total = 512 * 1024 * 1024;
  const start = process.hrtime.bigint();
  for (let done = 0; done < total; done += buf.length) createHash('sha1').update(buf).digest();
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  return total / s / MB;
}

async function loopbackRate() {
  // A bare TCP stream over loopback between two sockets of one process (iperf3 when installed).
  try {
    execFileSync('sh', ['-c', 'command -v iperf3'], { stdio: 'ignore' });
    const port = await freePort();
    const server = spawn('iperf3', ['-s', '-1', '-B', '127.0.0.1', '-p', String(port)], {
      stdio: 'ignore',
    });
    await new Promise((r) => setTimeout(r, 500));
    const out = execFileSync('iperf3', [
      '-c',
      '127.0.0.1',
      '-p',
      String(port),
      '-t',
      '3',
      '-J',
    ]).toString();
    server.kill();
    return { tool: 'iperf3', mbps: JSON.parse(out).end.sum_received.bits_per_second / 8 / MB };
  } catch {
    const total = 2 * 1024 * 1024 * 1024;
    const server = net.createServer((s) => s.resume());
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const sock = net.connect(server.address().port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const chunk = Buffer.alloc(1 << 20);
    const start = process.hrtime.bigint();
    for (let sent = 0; sent < total; sent += chunk.length) {
      if (!sock.write(chunk)) await new Promise((r) => sock.once('drain', r));
    }
    await new Promise((r) => sock.end(r));
    const s = Number(process.hrtime.bigint() - start) / 1e9;
    sock.destroy();
    server.close();
    return { tool: 'node net (iperf3 not installed)', mbps: total / s / MB };
  }
}

async function pair(seedKind, dlKind, ctx) {
  const { tracker, torrent, dataFile, work, infoHash, expectedSha } = ctx;
  tracker.reset();
  const out = mkdtempSync(path.join(work, 'out-'));
  const seed = await seeder(seedKind, torrent, dataFile, work);
  try {
    await waitUntil(
      () => tracker.seedCount(infoHash) > 0,
      600_000,
      `${seedKind} seeder to announce`,
    );
    warmFreeMemory(work);
    const seedCpuBefore = cpuSecondsOf(seed.child.pid);
    const dl = await downloader(dlKind, torrent, out, work);
    const r = await dl.done;
    const seedCpu = cpuSecondsOf(seed.child.pid) - seedCpuBefore;
    if (r.code !== 0)
      throw new Error(`${dlKind} downloader exited ${r.code}:\n${r.output.slice(-2000)}`);
    const ok = sha256(path.join(out, path.basename(dataFile))) === expectedSha;
    return {
      name: `${seedKind} -> ${dlKind}`,
      ...r,
      mbps: SIZE / r.wall / MB,
      cpuPerGiB: (r.cpu * (1 << 30)) / SIZE,
      sysPerGiB: (r.sys * (1 << 30)) / SIZE,
      seedCpuPerGiB: (seedCpu * (1 << 30)) / SIZE,
      ok,
    };
  } finally {
    await stop(seed);
    rmSync(out, { recursive: true, force: true });
  }
}

async function swarm(ctx, sequential) {
  const { tracker, work } = ctx;
  const dir = mkdtempSync(path.join(work, 'swarm-'));
  const dataFile = path.join(dir, 'swarm.bin');
  makeFile(dataFile, SWARM_SIZE);
  const torrent = path.join(dir, 'swarm.torrent');
  execFileSync('mktorrent', ['-a', tracker.url, '-l', '18', '-o', torrent, dataFile], {
    stdio: 'ignore',
  });
  tracker.reset();
  const leechers = [];
  let seed;
  try {
    for (let i = 0; i < SWARM_LEECHERS; i++) {
      const args = [
        'download',
        torrent,
        '--out',
        path.join(dir, `out${i}`),
        '--seed',
        ...agentFlags(path.join(dir, `st${i}`)),
      ];
      if (sequential) args.push('--sequential');
      leechers.push(run(process.execPath, [AGENT, ...args]));
    }
    // The leechers start first (and find each other); the clock starts when the seeder is
    // started, so process start-up does not blur the comparison with the bound.
    await waitUntil(
      () => leechers.every((l) => /downloading/.test(l.output())),
      120_000,
      'leechers to start',
    );
    const leecherCpuBefore = leechers.map((l) => cpuSecondsOf(l.child.pid));
    const start = process.hrtime.bigint();
    seed = await seeder('ours', torrent, dataFile, work, [
      '--upload-limit',
      String(SWARM_SEED_RATE),
    ]);
    // Leechers keep seeding once complete (a finished peer still uploads); the clock stops when the
    // last one has verified everything.
    await waitUntil(
      () => leechers.every((l) => /complete; seeding/.test(l.output())),
      600_000,
      'leechers to complete',
    );
    const end = process.hrtime.bigint();
    // The swarm shares this machine's cores: CPU time tells how busy it was.
    const leecherCpu = leechers.reduce(
      (sum, l, i) => sum + cpuSecondsOf(l.child.pid) - leecherCpuBefore[i],
      0,
    );
    const seedCpu = cpuSecondsOf(seed.child.pid);
    const sinceStart = (t) => (t === undefined ? NaN : Number(t - start) / 1e9);
    const seedReady = sinceStart(seed.printedAt(/seeding .* on port/));
    const completions = leechers
      .map((l) => sinceStart(l.printedAt(/complete; seeding/)))
      .sort((a, b) => a - b);
    // Fluid model: the seed must send every byte at least once, and the leechers' uploads are not
    // capped here, so the seed's rate is the bound. Its limiter allows one second of burst at the
    // start, so in T seconds it can send at most u * (T + 1): T >= F / u - 1.
    const bound = SWARM_SIZE / SWARM_SEED_RATE - 1;
    const seconds = Number(end - start) / 1e9;
    await stop(seed);
    // How many times over the seed sent the data: every byte above 1x is seed bandwidth that
    // went to a piece some leecher could have had from another.
    const uploaded = Number(/uploaded (\d+) bytes/.exec(seed.output())?.[1] ?? NaN);
    return {
      seconds,
      bound,
      ratio: seconds / bound,
      seedCopies: uploaded / SWARM_SIZE,
      seedReady,
      completions,
      leecherCpu,
      seedCpu,
    };
  } finally {
    if (seed) await stop(seed);
    for (const l of leechers) await stop(l);
  }
}

function infoHashOf(torrentFile) {
  const data = readFileSync(torrentFile);
  const start = data.indexOf('4:infod') + 6;
  // mktorrent writes info last: the info dictionary runs to the final 'e' of the file.
  return createHash('sha1')
    .update(data.subarray(start, data.length - 1))
    .digest('hex');
}

// ------------------------------------------------------------------ main

async function main() {
  if (!existsSync(path.join(ROOT, 'apps', 'peer-agent', 'dist', 'cli', 'main.js'))) {
    throw new Error('build first: npx tsc -b apps/peer-agent (npm run bench:transfer does it)');
  }
  const work = mkdtempSync(path.join(os.tmpdir(), 'swarmhub-bench-'));
  const tracker = await startTracker();
  try {
    console.log(
      `transfer benchmark: ${(SIZE / 1024 / 1024).toFixed(0)} MiB over 127.0.0.1, ${os.cpus().length} cores, Node ${process.version}`,
    );
    const sha1 = sha1Rate();
    const loop = await loopbackRate();
    console.log(
      `limits: SHA-1 in Node ${sha1.toFixed(0)} MB/s (one core, 256 KiB pieces); loopback TCP ${loop.mbps.toFixed(0)} MB/s (${loop.tool})`,
    );
    const seedDir = path.join(work, 'seed');
    mkdirSync(seedDir);
    const dataFile = path.join(seedDir, 'bench.bin');
    makeFile(dataFile, SIZE);
    const torrent = path.join(work, 'bench.torrent');
    execFileSync(
      'mktorrent',
      ['-a', tracker.url, '-l', String(PIECE_LOG2), '-t', '2', '-o', torrent, dataFile],
      { stdio: 'ignore' },
    );
    const ctx = {
      tracker,
      torrent,
      dataFile,
      work,
      infoHash: infoHashOf(torrent),
      expectedSha: sha256(dataFile),
    };
    const rows = [];
    for (const p of PAIRS) {
      const [s, d] = p.split('-');
      process.stderr.write(`running ${s} -> ${d}...\n`);
      rows.push(await pair(s, d, ctx));
    }
    console.log('');
    console.log(
      'seeder -> downloader   MB/s    CPU s   CPU s/GiB (kernel)  peak RSS MiB  seeder CPU s/GiB  bytes ok',
    );
    for (const r of rows) {
      console.log(
        `${r.name.padEnd(20)} ${r.mbps.toFixed(0).padStart(6)} ${r.cpu.toFixed(2).padStart(8)} ${r.cpuPerGiB.toFixed(2).padStart(10)} ${`(${r.sysPerGiB.toFixed(2)})`.padStart(8)} ${(r.maxRssKiB / 1024).toFixed(0).padStart(13)} ${r.seedCpuPerGiB.toFixed(2).padStart(17)}  ${r.ok ? 'yes' : 'NO'}`,
      );
    }
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    if (by['ours -> ours'] && by['aria2 -> aria2']) {
      console.log(
        `\nratio ours->ours / aria2->aria2: ${(by['ours -> ours'].mbps / by['aria2 -> aria2'].mbps).toFixed(2)}x (goal >= 2x)`,
      );
    }
    if (SWARM) {
      for (const sequential of process.env.BENCH_SWARM_ORDER === 'rarest'
        ? [false]
        : [false, true]) {
        const order = sequential ? 'in order' : 'rarest first';
        const ratios = [];
        for (let round = 1; round <= SWARM_ROUNDS; round++) {
          process.stderr.write(
            `running swarm (${order}, round ${round}/${SWARM_ROUNDS}): 1 seeder capped at ${(SWARM_SEED_RATE / MB).toFixed(1)} MB/s + ${SWARM_LEECHERS} leechers...\n`,
          );
          const s = await swarm({ tracker, work }, sequential);
          ratios.push(s.ratio);
          console.log(
            `swarm ${order.padEnd(12)} (${(SWARM_SIZE / 1024 / 1024).toFixed(0)} MiB, seed ${(SWARM_SEED_RATE / MB).toFixed(1)} MB/s, ${SWARM_LEECHERS} leechers): ` +
              `all complete ${s.seconds.toFixed(1)} s after the seeder was started; ` +
              `fluid lower bound ${s.bound.toFixed(1)} s; ratio ${s.ratio.toFixed(2)}; ` +
              `the seed sent the data ${s.seedCopies.toFixed(2)} times`,
          );
          console.log(
            `  seeder ready (started, checked, listening) after ${s.seedReady.toFixed(2)} s; leechers complete at ${s.completions.map((c) => c.toFixed(2)).join(', ')} s\n` +
              `  CPU while the clock ran: leechers ${s.leecherCpu.toFixed(1)} s in all, seeder ${s.seedCpu.toFixed(1)} s (${os.cpus().length} cores: ${(os.cpus().length * s.seconds).toFixed(1)} s available)`,
          );
        }
        const sorted = [...ratios].sort((a, b) => a - b);
        console.log(
          `swarm ${order}: median ratio ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} over ${SWARM_ROUNDS} rounds (goal <= 1.3; range ${sorted[0].toFixed(2)}-${sorted.at(-1).toFixed(2)})\n`,
        );
      }
    }
  } finally {
    await tracker.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err.stack ?? String(err));
  process.exit(1);
});
