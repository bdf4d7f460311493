/**
 * Thrown from a `waitFor` check to end the wait at once: what the wait depends on is gone (a
 * process exited), so polling on cannot succeed.
 */
export class StopWaiting extends Error {}

/**
 * Polls `check` until it returns a value other than undefined or false, and resolves with it.
 * A throw from `check` counts as "not yet" (a server still starting refuses connections) and the
 * last one is shown if the wait gives up after `timeoutMs`; a `StopWaiting` throw fails at once.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof StopWaiting)
        throw new Error(`gave up waiting for ${what}: ${error.message}`, { cause: error });
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`gave up waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What a wait can watch so that it fails as soon as the process it depends on has exited. */
export interface WatchedProcess {
  readonly label: string;
  readonly running: boolean;
  readonly output: string;
}

/** Throws `StopWaiting` with the tail of its output if `process` has exited. */
export function assertRunning(process: WatchedProcess | undefined): void {
  if (process && !process.running)
    throw new StopWaiting(`${process.label} exited:\n${process.output.slice(-3000)}`);
}

/**
 * Waits until `url` answers with a status below 500. With `whileRunning`, fails as soon as that
 * process (the server being waited for) has exited.
 */
export async function waitForHttp(
  url: string,
  options: { timeoutMs?: number; whileRunning?: WatchedProcess } = {},
): Promise<void> {
  await waitFor(
    `${url} to answer`,
    async () => {
      assertRunning(options.whileRunning);
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      return response.status < 500;
    },
    options.timeoutMs,
  );
}
