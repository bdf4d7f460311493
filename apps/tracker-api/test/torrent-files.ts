import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encode, type BDict } from '@swarmhub/bencode';

/**
 * A real .torrent made by mktorrent over real files. `files` maps relative paths to contents;
 * a single entry without a slash makes a single-file torrent.
 */
export function mktorrent(
  workDir: string,
  name: string,
  files: Record<string, string | Buffer>,
  options: { announce?: string; comment?: string; private?: boolean; pieceLengthExp?: number } = {},
): Buffer {
  const entries = Object.entries(files);
  const single = entries.length === 1 && entries[0][0] === name;
  const source = join(workDir, 'content', name);
  if (single) {
    mkdirSync(dirname(source), { recursive: true });
    writeFileSync(source, entries[0][1]);
  } else {
    for (const [path, content] of entries) {
      mkdirSync(dirname(join(source, path)), { recursive: true });
      writeFileSync(join(source, path), content);
    }
  }
  const out = join(workDir, `${name}-${Math.random().toString(36).slice(2)}.torrent`);
  const args = [
    '-l',
    String(options.pieceLengthExp ?? 15),
    '-o',
    out,
    '-a',
    options.announce ?? 'http://127.0.0.1:6969/announce',
  ];
  if (options.comment !== undefined) args.push('-c', options.comment);
  if (options.private) args.push('-p');
  execFileSync('mktorrent', [...args, source], { stdio: 'ignore' });
  return readFileSync(out);
}

/** A hand-built torrent, for inputs that no real tool would produce. */
export function handmadeTorrent(info: BDict, extra: BDict = {}): Buffer {
  return encode({ announce: Buffer.from('http://127.0.0.1:6969/announce'), ...extra, info });
}
