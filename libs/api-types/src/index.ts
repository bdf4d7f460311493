export type * from './agent.js';
export type * from './catalog.js';
export type * from './errors.js';
