// The wire types live in @swarmhub/api-types, shared with the web app. This re-export keeps the
// control commands' import path (src/cli/commands/control.ts) working until they import the
// package directly.
export type * from '@swarmhub/api-types';
