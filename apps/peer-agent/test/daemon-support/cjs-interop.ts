import { createRequire, Module } from 'node:module';

/**
 * The root vitest config passes its `ssr.resolve.conditions` (which include `import`) to the
 * worker as Node `--conditions`, so a CommonJS `require('is-promise')` inside Express 5's router
 * resolves to the package's ES module and gets a namespace object instead of the function:
 * every Express route then fails with "isPromise is not a function". Until the root config
 * drops `import` from `ssr.resolve.conditions`, the CommonJS build is put in the require cache
 * under the path the router will ask for. Outside vitest this file is never loaded.
 */
const require = createRequire(import.meta.url);
const resolved = require.resolve('is-promise');
if (resolved.endsWith('.mjs')) {
  const cjs = resolved.replace(/index\.mjs$/, 'index.js');
  const loaded = require(cjs) as unknown;
  const cache = (
    Module as unknown as { _cache: Record<string, { exports: unknown; loaded: boolean }> }
  )._cache;
  const shim = new Module(resolved);
  shim.exports = loaded;
  shim.loaded = true;
  cache[resolved] = shim as unknown as { exports: unknown; loaded: boolean };
}
