import { isAbsolute, relative, resolve, sep } from 'node:path';
import { MetainfoError } from './errors.js';
import type { TorrentFile } from './types.js';

const MAX_COMPONENT_BYTES = 255;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
// Separators, Windows-forbidden characters, C0 controls, DEL and the C1 controls.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\x00-\x1f\x7f-\x9f/\\<>:"|?*]/g;

/**
 * Maps one path component from a torrent to a name that is safe to create on Linux, macOS and
 * Windows, or returns undefined for components that must be dropped (empty and `.`).
 * `..` is never neutralised but refused: a torrent carrying it is hostile, not clumsy.
 */
export function sanitizeComponent(raw: string, field: string): string | undefined {
  if (raw === '..') throw new MetainfoError('UNSAFE_PATH', `${field} contains '..'`, field);
  if (raw === '' || raw === '.') return undefined;
  let name = raw.replace(FORBIDDEN_CHARS, '_');
  // Windows strips trailing dots and spaces, which would make "a." and "a" the same file.
  name = name.replace(/[. ]+$/, '');
  if (name === '') name = '_';
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  return truncateUtf8(name, MAX_COMPONENT_BYTES);
}

/** Shortens to at most `max` UTF-8 bytes, keeping the extension and never splitting a character. */
function truncateUtf8(name: string, max: number): string {
  if (Buffer.byteLength(name) <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && Buffer.byteLength(name.slice(dot)) <= 32 ? name.slice(dot) : '';
  const budget = max - Buffer.byteLength(ext);
  let stem = '';
  for (const ch of name.slice(0, name.length - ext.length)) {
    if (Buffer.byteLength(stem + ch) > budget) break;
    stem += ch;
  }
  return stem + ext;
}

/** Sanitises a list of components; throws when nothing usable is left. */
export function sanitizePath(raw: string[], field: string): string[] {
  const out: string[] = [];
  for (const component of raw) {
    const safe = sanitizeComponent(component, field);
    if (safe !== undefined) out.push(safe);
  }
  if (out.length === 0)
    throw new MetainfoError('UNSAFE_PATH', `${field} has no usable component`, field);
  return out;
}

/**
 * Refuses torrents whose files would collide once sanitised (two files on one path, or a file
 * where another file needs a directory): writing both in place would corrupt data. Padding files
 * are never written, and libtorrent names them by size alone (`.pad/16384` may occur many times).
 */
export function checkPathConflicts(files: TorrentFile[]): void {
  const filePaths = new Set<string>();
  const dirPaths = new Set<string>();
  for (const [index, file] of files.entries()) {
    if (file.padding) continue;
    const key = file.path.join('/');
    if (filePaths.has(key) || dirPaths.has(key)) {
      throw new MetainfoError(
        'PATH_CONFLICT',
        `info.files[${index}].path "${file.path.join('/')}" collides with another file`,
        `info.files[${index}].path`,
      );
    }
    filePaths.add(key);
    for (let i = 1; i < file.path.length; i++) {
      const dir = file.path.slice(0, i).join('/');
      if (filePaths.has(dir)) {
        throw new MetainfoError(
          'PATH_CONFLICT',
          `info.files[${index}].path "${file.path.join('/')}" needs "${dir}" as a directory, but it is a file`,
          `info.files[${index}].path`,
        );
      }
      dirPaths.add(dir);
    }
  }
}

/**
 * The absolute path of `file` under `root`. Checks the components again (a TorrentFile can be
 * built by hand) and that the result stays inside root; it cannot see symlinks already on disk.
 */
export function resolveFilePath(root: string, file: Pick<TorrentFile, 'path'>): string {
  const base = resolve(root);
  if (file.path.length === 0) throw new MetainfoError('UNSAFE_PATH', 'file path is empty', 'path');
  for (const component of file.path) {
    if (
      component === '' ||
      component === '.' ||
      component === '..' ||
      /[/\\]/.test(component) ||
      component.includes('\0')
    ) {
      throw new MetainfoError(
        'UNSAFE_PATH',
        `unsafe path component ${JSON.stringify(component)}`,
        'path',
      );
    }
  }
  const full = resolve(base, ...file.path);
  const rel = relative(base, full);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new MetainfoError(
      'UNSAFE_PATH',
      `path ${JSON.stringify(file.path.join('/'))} leaves ${base}`,
      'path',
    );
  }
  return full;
}
