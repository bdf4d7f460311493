import type { Command } from 'commander';

// Placeholder until this command lands; it registers nothing.
export function registerInfo(_program: Command): void {}
