// Runs the peer-agent CLI straight from its TypeScript sources in a child process (no stale dist/,
// and no dependence on the whole repo type-checking): `node --conditions=source --import <this>`.
import { register } from 'node:module';

register('./interop-loader-hooks.mjs', import.meta.url);
