import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC (not esbuild) compiles the tests so that Nest's decorator metadata is emitted
// and dependency injection works. The `source` condition makes every workspace
// package resolve to its TypeScript sources, so tests never run stale builds.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { conditions: ['source', 'module', 'node'] },
  // Vitest hands these to the worker as Node `--conditions`: `import` there would make CommonJS
  // `require` calls inside dependencies (Express's router) load ES module builds.
  ssr: { resolve: { conditions: ['source', 'node'] } },
  test: {
    include: ['{apps,libs}/*/test/**/*.test.ts', 'tests/system/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
