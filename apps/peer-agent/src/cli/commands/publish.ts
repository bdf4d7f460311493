import type { Command } from 'commander';

// Placeholder until this command lands; it registers nothing.
export function registerPublish(_program: Command): void {}
