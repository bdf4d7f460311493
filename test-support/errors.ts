import { expect } from 'vitest';

/** The class of an error, whatever its constructor takes. */
type ErrorType<E extends Error> = abstract new (...args: never[]) => E;

/** The error `fn` throws, asserted to be a `type`; fails when `fn` throws nothing. */
export function thrownBy<E extends Error>(type: ErrorType<E>, fn: () => unknown): E {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  throw new Error(`expected a ${type.name}, got none`);
}

/** The error `promise` rejects with, asserted to be a `type`; fails when it resolves. */
export async function rejectionOf<E extends Error>(
  type: ErrorType<E>,
  promise: Promise<unknown>,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  throw new Error(`expected a rejection with a ${type.name}, got none`);
}
