import { readFile, stat } from 'node:fs/promises';
import {
  DEFAULT_MAX_TORRENT_SIZE,
  MetainfoError,
  parseMetainfo,
  type Metainfo,
} from '@swarmhub/metainfo';
import { CliError } from './cli-error.js';

/** Reads and parses a .torrent file, turning every failure into one line for the user. */
export async function readTorrentFile(
  file: string,
): Promise<{ bytes: Buffer; metainfo: Metainfo }> {
  let bytes: Buffer;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new CliError(`${file} is not a file`);
    if (st.size > DEFAULT_MAX_TORRENT_SIZE) {
      throw new CliError(
        `${file} is ${st.size} bytes, more than a .torrent file can be (${DEFAULT_MAX_TORRENT_SIZE})`,
      );
    }
    bytes = await readFile(file);
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  try {
    return { bytes, metainfo: parseMetainfo(bytes) };
  } catch (err) {
    if (err instanceof MetainfoError)
      throw new CliError(`${file} is not a valid torrent: ${err.message}`);
    throw err;
  }
}
