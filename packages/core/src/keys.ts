import { describe } from './duration.js';
import { InvalidArgumentError } from './errors.js';

/**
 * Throws {@link InvalidArgumentError} unless `key` is a non-empty string. Called by every key
 * operation before anything is sent, so a bad key never reaches the server.
 */
export function assertKey(key: unknown, argument = 'key'): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidArgumentError(argument, `expected a non-empty string, got ${describe(key)}`);
  }
}

/**
 * The Redis Cluster hash tag of `key`: the text between the first `{` and the next `}`, when it is
 * not empty; otherwise `undefined` (the whole key is hashed). Follows the Redis specification.
 */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open === -1) return undefined;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return undefined;
  return key.slice(open + 1, close);
}

/**
 * Name of the fencing counter kept beside a lock key (both full keys, prefix included). It always
 * lands in the same Cluster hash slot as the lock key, so one script can touch both:
 * `a{tag}b` → `a{tag}b:fence`; `order_lock:1` → `{order_lock:1}:fence`.
 * The counter never expires: fencing tokens must keep increasing for the lifetime of the data.
 */
export function fenceKeyOf(lockKey: string): string {
  return hashTagOf(lockKey) === undefined ? `{${lockKey}}:fence` : `${lockKey}:fence`;
}
