import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../state/atomic-file.js';

export const TOKEN_FILE = 'token';
const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

export function tokenPath(dataDir: string): string {
  return join(dataDir, TOKEN_FILE);
}

/**
 * Returns the agent's bearer token, making a random 32-byte one at first start. The file is
 * readable by its owner only: whoever can read it controls the agent.
 */
export async function loadOrCreateToken(dataDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = tokenPath(dataDir);
  const existing = await readTokenFile(path);
  if (existing !== null) {
    // A token file that others can read is repaired rather than trusted as is.
    const mode = (await stat(path)).mode & 0o777;
    if (mode !== 0o600) await chmod(path, 0o600);
    return existing;
  }
  const token = randomBytes(32).toString('hex');
  await writeFileAtomic(path, `${token}\n`, 0o600);
  return token;
}

/** Reads the token of an agent (used by the CLI control commands). Null when there is none. */
export async function readToken(dataDir: string): Promise<string | null> {
  return readTokenFile(tokenPath(dataDir));
}

async function readTokenFile(path: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const token = text.trim();
  return TOKEN_PATTERN.test(token) ? token : null;
}

/** Compares in constant time; hashing first makes the lengths equal without leaking them. */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
