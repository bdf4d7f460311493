import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AgentError } from '../agent-error.js';

/**
 * Confines paths given in requests (save directories, paths to create torrents from) to the
 * configured roots. Symlinks are resolved first, so a link inside a root that points outside it
 * does not escape.
 */
export class PathPolicy {
  private realRoots: Promise<string[]> | undefined;

  constructor(private readonly roots: string[]) {}

  /** The real path of `path`, which must exist and lie under a root. */
  async resolveExisting(path: string, what: string): Promise<string> {
    const absolute = this.absolute(path, what);
    let real: string;
    try {
      real = await realpath(absolute);
    } catch {
      throw new AgentError('BAD_INPUT', `${what} ${absolute} does not exist`);
    }
    await this.check(real, what);
    return real;
  }

  /**
   * The real path `path` would have (it may not exist yet, as a new save directory): the real
   * path of its deepest existing ancestor joined with the rest. Must lie under a root.
   */
  async resolveMaybeMissing(path: string, what: string): Promise<string> {
    const absolute = this.absolute(path, what);
    const missing: string[] = [];
    let current = absolute;
    for (;;) {
      try {
        const real = await realpath(current);
        const full = missing.length > 0 ? join(real, ...missing.reverse()) : real;
        await this.check(full, what);
        return full;
      } catch (err) {
        if (err instanceof AgentError) throw err;
        const parent = dirname(current);
        if (parent === current)
          throw new AgentError('BAD_INPUT', `${what} ${absolute} cannot be resolved`);
        missing.push(basename(current));
        current = parent;
      }
    }
  }

  private absolute(path: string, what: string): string {
    if (typeof path !== 'string' || path === '' || path.includes('\0')) {
      throw new AgentError('BAD_INPUT', `${what} must be a non-empty path`);
    }
    if (!isAbsolute(path)) throw new AgentError('BAD_INPUT', `${what} must be an absolute path`);
    return resolve(path);
  }

  private async check(real: string, what: string): Promise<void> {
    const roots = await this.resolvedRoots();
    const inside = roots.some((root) => {
      const rel = relative(root, real);
      return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
    });
    if (!inside) {
      throw new AgentError(
        'PATH_NOT_ALLOWED',
        `${what} ${real} is outside the allowed roots (${roots.join(', ')}); ` +
          'start the agent with --allowed-root to allow it',
      );
    }
  }

  private resolvedRoots(): Promise<string[]> {
    this.realRoots ??= Promise.all(
      this.roots.map((root) => realpath(root).catch(() => resolve(root))),
    );
    return this.realRoots;
  }
}
