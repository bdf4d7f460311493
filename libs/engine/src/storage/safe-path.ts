import { MetainfoError, resolveFilePath } from '@swarmhub/metainfo';
import { StorageError, type StorageFile } from './storage.js';

/**
 * Every file path of the storage comes from here, so nothing is written outside saveDir: the
 * shared resolveFilePath re-checks the components and the containment even for sanitised paths.
 */
export function resolveStoragePath(root: string, file: StorageFile): string {
  try {
    return resolveFilePath(root, file);
  } catch (err) {
    if (err instanceof MetainfoError) {
      throw new StorageError('UNSAFE_PATH', err.message, { cause: err });
    }
    throw err;
  }
}
