import { randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import * as fs from 'node:fs/promises';
import path from 'node:path';

/** The filesystem calls an atomic write makes; tests substitute failing ones. */
export interface AtomicFileSystem {
  open: typeof fs.open;
  rename: typeof fs.rename;
  unlink: typeof fs.unlink;
}

const nodeFileSystem: AtomicFileSystem = { open: fs.open, rename: fs.rename, unlink: fs.unlink };

/** The temp-file prefix for `target`; a crash between write and rename can leave one behind. */
export function tempPrefix(target: string): string {
  return `.${path.basename(target)}.`;
}

/**
 * Replaces `target` with `data` so that, whatever happens (exception, kill -9, power loss), the
 * file holds either the old content or the new one, never a mix: the data goes to a temp file in
 * the same directory, is fsynced, renamed over the target, and the directory is fsynced so the
 * rename itself is durable.
 */
export async function writeFileAtomic(
  target: string,
  data: Buffer | string,
  fsys: AtomicFileSystem = nodeFileSystem,
): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(
    dir,
    `${tempPrefix(target)}${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  let renamed = false;
  try {
    const fh = await fsys.open(temp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsys.rename(temp, target);
    renamed = true;
    await syncDirectory(dir, fsys);
  } finally {
    if (!renamed) await fsys.unlink(temp).catch(() => undefined);
  }
}

async function syncDirectory(dir: string, fsys: AtomicFileSystem): Promise<void> {
  const fh = await fsys.open(dir, fsc.O_RDONLY | fsc.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
