// Real processes started by tests: their output is kept (to wait for a line, and to show on
// failure), and they are stopped by their PID, never by name.
import { spawn, type ChildProcess } from 'node:child_process';
import { StopWaiting, waitFor } from './wait.js';

/** A child process whose output is kept, stopped by its PID. */
export class Proc {
  output = '';
  /** undefined while it runs; then its exit code, or null when a signal ended it. */
  exitCode: number | null | undefined;
  exitSignal: NodeJS.Signals | null = null;
  readonly exited: Promise<number | null>;

  constructor(
    readonly child: ChildProcess,
    readonly label: string,
  ) {
    child.stdout?.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (this.output += c.toString()));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Waits for `pattern` in the output; fails as soon as the process exits without it. */
  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    try {
      return await waitFor(
        `${pattern} from ${this.label}`,
        () => {
          const match = this.output.match(pattern);
          if (match) return match;
          if (!this.running)
            throw new StopWaiting(`${this.label} exited (${this.exitCode ?? this.exitSignal})`);
          return undefined;
        },
        timeoutMs,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; its output:\n${this.output.slice(-3000)}`, {
        cause: error,
      });
    }
  }

  /** Sends `signal` to the PID, then SIGKILL if it is still there after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<number | null> {
    if (!this.running) return this.exitCode ?? null;
    process.kill(this.pid, signal);
    const timer = setTimeout(() => {
      if (this.running) process.kill(this.pid, 'SIGKILL');
    }, graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** Starts `command` with its output piped into a `Proc` and the test's environment plus `env`. */
export function spawnProc(
  command: string,
  args: string[],
  label: string,
  options: { env?: Record<string, string | undefined>; cwd?: string; detached?: boolean } = {},
): Proc {
  const child = spawn(command, args, {
    cwd: options.cwd,
    detached: options.detached ?? false,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Proc(child, label);
}

/**
 * The processes a test file started, killed (SIGKILL, by PID) by `stopAll` if they still run,
 * the last started first.
 */
export class ProcessGroup {
  private readonly procs: Proc[] = [];

  track<P extends Proc>(proc: P): P {
    this.procs.push(proc);
    return proc;
  }

  async stopAll(): Promise<void> {
    for (const proc of this.procs.splice(0).reverse()) await proc.stop('SIGKILL');
  }
}
