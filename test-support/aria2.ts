import { freePort } from './ports.js';
import { spawnProc, type Proc } from './processes.js';

/**
 * aria2c kept to 127.0.0.1, with the tracker as its only source of peers (no DHT, LPD or PEX),
 * quiet, and writing into fresh directories without renaming.
 */
export const ARIA2_LOOPBACK: readonly string[] = [
  '--enable-dht=false',
  '--enable-dht6=false',
  '--bt-enable-lpd=false',
  '--enable-peer-exchange=false',
  '--disable-ipv6=true',
  '--interface=127.0.0.1',
  '--bt-tracker-connect-timeout=5',
  '--bt-tracker-timeout=5',
  '--file-allocation=none',
  '--summary-interval=0',
  '--console-log-level=warn',
  '--allow-overwrite=true',
  '--auto-file-renaming=false',
];

/** aria2c seeding data it already holds, without hashing it first and without a ratio limit. */
export const ARIA2_SEED: readonly string[] = [
  '--bt-seed-unverified=true',
  '--seed-ratio=0.0',
  '--check-integrity=false',
];

/** `aria2c` on loopback (see `ARIA2_LOOPBACK`) listening on a port that was free, plus `args`. */
export async function spawnAria2(args: string[], label = 'aria2c'): Promise<Proc> {
  return spawnProc(
    'aria2c',
    [...ARIA2_LOOPBACK, `--listen-port=${await freePort()}`, ...args],
    label,
  );
}
