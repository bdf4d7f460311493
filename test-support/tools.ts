import { execFileSync } from 'node:child_process';
import { test } from 'vitest';

/** True when `name` is an executable on PATH. */
export function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the vitest `test` to use for a test that needs an external tool. Locally, a missing
 * tool skips the test; under CI (CI=true) a missing tool is a failure, so a broken CI image
 * can never turn interop tests into silent skips.
 */
export function testWithTools(...names: string[]): typeof test {
  const missing = names.filter((n) => !hasTool(n));
  if (missing.length === 0) return test;
  if (process.env.CI === 'true') {
    return ((title: string) =>
      test(title, () => {
        throw new Error(
          `required tool(s) missing: ${missing.join(', ')} (install them; see .ci/run)`,
        );
      })) as unknown as typeof test;
  }
  return test.skip as unknown as typeof test;
}

/** Throws under CI when a tool is missing; returns false locally so callers can skip. */
export function requireTool(name: string): boolean {
  if (hasTool(name)) return true;
  if (process.env.CI === 'true') throw new Error(`required tool missing: ${name} (see .ci/run)`);
  return false;
}
