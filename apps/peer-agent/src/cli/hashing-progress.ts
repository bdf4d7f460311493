import cliProgress from 'cli-progress';

export interface HashingProgress {
  update(hashedBytes: number, totalBytes: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr while hashing, only when stderr is a terminal: piped or captured
 * output (scripts, tests, CI logs) stays free of control sequences.
 */
export function hashingProgress(stream: NodeJS.WriteStream = process.stderr): HashingProgress {
  if (!stream.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'hashing [{bar}] {percentage}% | {doneMiB}/{totalMiB} MiB | {rate} MB/s',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let running = false;
  return {
    update(hashed, total) {
      const seconds = (performance.now() - started) / 1000;
      const payload = {
        doneMiB: (hashed / 2 ** 20).toFixed(0),
        totalMiB: (total / 2 ** 20).toFixed(0),
        rate: seconds > 0 ? (hashed / 1e6 / seconds).toFixed(0) : '0',
      };
      if (!running) {
        bar.start(total, hashed, payload);
        running = true;
      } else {
        bar.update(hashed, payload);
      }
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
