import { randomBytes } from 'node:crypto';

/** Azureus-style peer id (BEP 20): client code SH, version 0.1.0.0, then 12 random bytes. */
export const PEER_ID_PREFIX = '-SH0100-';

export function generatePeerId(): Buffer {
  return Buffer.concat([Buffer.from(PEER_ID_PREFIX, 'latin1'), randomBytes(12)]);
}
