#!/usr/bin/env node
// Torrent creation speed: our createTorrent (library, and the CLI as a user runs it) against
// mktorrent with one and with two threads, on the same 1 GiB file warm in the page cache, for a
// fixed piece length (256 KiB) and for the automatic one. Run with `npm run bench:create` (builds first).
// Rounds alternate between the contenders and the best round counts, so a busy neighbour on a
// shared machine penalises everyone alike; the load average is printed for context.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { autoPieceLength, createTorrent, parseMetainfo } from '@swarmhub/metainfo';

const SIZE = 1024 ** 3;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(repoRoot, 'apps', 'peer-agent', 'bin', 'peer-agent.js');

const dir = mkdtempSync(join(tmpdir(), 'swarmhub-bench-create-'));
const cleanup = () => rmSync(dir, { recursive: true, force: true });
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

function hasMktorrent() {
  return spawnSync('sh', ['-c', 'command -v mktorrent'], { stdio: 'ignore' }).status === 0;
}

function writeContent(file) {
  // Incompressible content; SHA-1's speed does not depend on it, but a filesystem could.
  const chunk = randomBytes(64 * 1024 * 1024);
  const fd = openSync(file, 'w');
  for (let written = 0; written < SIZE; written += chunk.length) writeSync(fd, chunk);
  closeSync(fd);
}

function warmCache(file) {
  const buffer = Buffer.allocUnsafe(8 * 1024 * 1024);
  const fd = openSync(file, 'r');
  while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  closeSync(fd);
}

function seconds(fn) {
  const start = process.hrtime.bigint();
  const result = fn();
  const end = () => Number(process.hrtime.bigint() - start) / 1e9;
  return result instanceof Promise
    ? result.then((value) => ({ value, s: end() }))
    : { value: result, s: end() };
}

async function main() {
  const mktorrent = hasMktorrent();
  if (!mktorrent) console.log('mktorrent is not installed: only our own figures will be printed');
  const file = join(dir, 'bench-1GiB.bin');
  process.stdout.write(`writing ${SIZE / 1024 ** 3} GiB to ${file} ... `);
  writeContent(file);
  warmCache(file);
  console.log('done, page cache warmed');
  console.log(
    `cores: ${availableParallelism()}, load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, rounds: ${ROUNDS} (best counts)`,
  );

  const pieceLengths = [256 * 1024, autoPieceLength(SIZE)];
  for (const pieceLength of pieceLengths) {
    const label =
      pieceLength === autoPieceLength(SIZE)
        ? `${pieceLength / 1024} KiB (automatic)`
        : `${pieceLength / 1024} KiB`;
    const contenders = {
      'ours (library, createTorrent)': async () =>
        (await createTorrent(file, { pieceLength })).metainfo.infoHash,
      'ours (CLI, peer-agent create)': () => {
        const out = join(dir, 'ours-cli.torrent');
        execFileSync(
          process.execPath,
          [cli, 'create', file, '--piece-length', String(pieceLength), '--out', out, '--force'],
          { stdio: 'ignore' },
        );
        return parseMetainfo(readFileSync(out)).infoHash;
      },
    };
    if (mktorrent) {
      for (const threads of [1, 2]) {
        contenders[`mktorrent -t ${threads}`] = () => {
          const out = join(dir, `mktorrent-${threads}.torrent`);
          rmSync(out, { force: true });
          // No tracker and no date: mktorrent then writes exactly the info dictionary we write.
          execFileSync(
            'mktorrent',
            ['-t', String(threads), '-l', String(Math.log2(pieceLength)), '-d', '-o', out, file],
            { stdio: 'ignore' },
          );
          return parseMetainfo(readFileSync(out)).infoHash;
        };
      }
    }
    const best = {};
    const hashes = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, run] of Object.entries(contenders)) {
        const { value, s } = await seconds(run);
        hashes[name] = value;
        best[name] = Math.min(best[name] ?? Infinity, s);
      }
    }
    console.log(`\npiece length ${label}, ${SIZE / pieceLength} pieces`);
    const rate = (name) => SIZE / 1e6 / best[name];
    for (const name of Object.keys(contenders)) {
      console.log(
        `  ${name.padEnd(32)} ${rate(name).toFixed(0).padStart(6)} MB/s   (${best[name].toFixed(3)} s)   info hash ${hashes[name]}`,
      );
    }
    if (mktorrent) {
      const ours = rate('ours (library, createTorrent)');
      console.log(`  ratio ours/mktorrent -t 1: ${(ours / rate('mktorrent -t 1')).toFixed(2)}`);
      console.log(`  ratio ours/mktorrent -t 2: ${(ours / rate('mktorrent -t 2')).toFixed(2)}`);
      console.log(
        `  ratio ours (CLI)/mktorrent -t 2: ${(rate('ours (CLI, peer-agent create)') / rate('mktorrent -t 2')).toFixed(2)}`,
      );
      const distinct = new Set(Object.values(hashes));
      console.log(`  same info hash from every contender: ${distinct.size === 1 ? 'yes' : 'NO'}`);
      if (distinct.size !== 1) process.exitCode = 1;
    }
  }
  console.log(
    `\nload average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

try {
  await main();
} finally {
  cleanup();
}
