import { CommandError } from '@forno/core';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^(0|-?[1-9]\d*)$/;

/** Parses a stored value as Redis does for INCRBY/HINCRBY: a canonical signed 64-bit integer. */
export function parseStoredInteger(bytes: string | undefined, message: string): bigint {
  if (bytes === undefined) return 0n;
  if (!INTEGER_TEXT.test(bytes) || bytes.length > 20) throw new CommandError(message);
  const value = BigInt(bytes);
  if (value < INT64_MIN || value > INT64_MAX) throw new CommandError(message);
  return value;
}

/** Adds `increment`, failing like Redis when the result leaves the 64-bit range. */
export function addInteger(current: bigint, increment: number): bigint {
  const result = current + BigInt(increment);
  if (result < INT64_MIN || result > INT64_MAX) {
    throw new CommandError('ERR increment or decrement would overflow');
  }
  return result;
}
