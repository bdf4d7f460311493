import { environmentWithFlags, USAGE } from './config/cli-flags.js';
import { ConfigError, loadConfig, type TrackerConfig } from './config/tracker-config.js';
import { startTracker } from './tracker-app.js';

export { createTrackerApp, startTracker, type RunningTracker } from './tracker-app.js';
export { loadConfig, ConfigError, type TrackerConfig } from './config/tracker-config.js';

async function main(): Promise<void> {
  let config: TrackerConfig;
  try {
    const env = environmentWithFlags(process.argv.slice(2), process.env);
    if (env.TRACKER_HELP === '1') {
      console.log(USAGE);
      return;
    }
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const tracker = await startTracker(config);
  tracker.app.enableShutdownHooks(['SIGINT', 'SIGTERM']);
  console.log(
    [
      `Swarmhub tracker (${config.mode} mode, database ${config.databasePath})`,
      `  announce  ${tracker.url}/announce`,
      `  scrape    ${tracker.url}/scrape`,
      `  catalog   ${tracker.url}/api/v1/torrents`,
      `  API docs  ${tracker.url}/api/docs`,
      `  metrics   ${tracker.url}/metrics`,
      config.adminToken ? '' : '  (TRACKER_ADMIN_TOKEN not set: deleting torrents is disabled)',
    ]
      .filter((line) => line !== '')
      .join('\n'),
  );
}

// Only when run as the program, so tests can import createTrackerApp from here.
if (
  process.argv[1] !== undefined &&
  import.meta.url === new URL(`file://${process.argv[1]}`).href
) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
