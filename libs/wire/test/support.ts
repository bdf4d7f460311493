// Helpers shared by the codec tests: byte vectors written as text, and the typed-error check
// every parser's rejection tests rely on.
import { expect, it } from 'vitest';
import { WireError } from '../src/index.js';

/** Bytes written as a latin1 string, so `\x7f` in a test vector is exactly one byte 0x7f. */
export const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Bytes written as hex, with spaces allowed between groups for readability. */
export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Fails unless `fn` throws a WireError whose code is `code`. */
export function expectWireError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WireError);
    expect((error as WireError).code).toBe(code);
    return;
  }
  expect.unreachable(`expected WireError ${code}`);
}

/**
 * One test per `[description, latin1 bytes]` case, named `rejects <description>`, each
 * expecting `decode` to throw a WireError with `code`.
 */
export function itRejectsEach(
  cases: [description: string, latin1Bytes: string][],
  decode: (payload: Buffer) => unknown,
  code: string,
): void {
  it.each(cases)('rejects %s', (_description, text) => {
    expectWireError(() => decode(latin1(text)), code);
  });
}
