import path from 'node:path';
import { StorageError, type StorageFile } from './storage.js';

// Interim stand-in for `resolveFilePath` of @swarmhub/metainfo until that package lands: every
// file path of the storage goes through this one function, so switching is a one-line change.
// It re-checks containment even for sanitised components, because storage is the last line
// before the filesystem.
export function resolveStoragePath(root: string, file: StorageFile): string {
  const base = path.resolve(root);
  if (file.path.length === 0) throw new StorageError('UNSAFE_PATH', 'file has an empty path');
  for (const component of file.path) {
    if (
      component === '' ||
      component === '.' ||
      component === '..' ||
      /[/\\\0]/.test(component) ||
      path.isAbsolute(component)
    ) {
      throw new StorageError('UNSAFE_PATH', `unsafe path component ${JSON.stringify(component)}`);
    }
  }
  const full = path.resolve(base, ...file.path);
  if (!full.startsWith(base + path.sep)) {
    throw new StorageError('UNSAFE_PATH', `path ${JSON.stringify(file.path)} leaves ${base}`);
  }
  return full;
}
