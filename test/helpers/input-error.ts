import { expect } from 'vitest';
import { InputError } from '../../src/formats/errors.js';

/** The InputError `fn` throws; fails the test when it throws something else or nothing. */
export function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}
