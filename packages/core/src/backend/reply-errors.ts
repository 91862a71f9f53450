import {
  type CacheError,
  type CacheErrorOptions,
  CacheUnavailableError,
  CommandError,
  CrossSlotError,
  UnsupportedCommandError,
  WrongTypeError,
} from '../errors.js';

/** Reply errors that mean "the server cannot serve right now", not "your command is wrong". */
const UNAVAILABLE_REPLIES = /^(LOADING|CLUSTERDOWN|MASTERDOWN|READONLY|TRYAGAIN|BUSY|NOREPLICAS|MOVED|ASK)\b/;

/**
 * The typed error for an error reply of the server (`-WRONGTYPE ...`, `-CROSSSLOT ...`), whichever
 * client read it: `WrongTypeError`, `CrossSlotError` (telling to use a hash tag),
 * `CacheUnavailableError` for replies that mean the server cannot serve right now (LOADING,
 * CLUSTERDOWN, READONLY after a failover...), so idempotent commands are retried,
 * `UnsupportedCommandError` for a command the server is too old to know (`ERR unknown command`),
 * and `CommandError` for any other.
 */
export function cacheErrorOfReply(message: string, options: CacheErrorOptions): CacheError {
  if (message.startsWith('WRONGTYPE')) return new WrongTypeError(message, options);
  if (message.startsWith('CROSSSLOT')) {
    return new CrossSlotError(
      `${message}: the keys must share a hash slot; use a hash tag such as {segments}`,
      options,
    );
  }
  if (message.startsWith('ERR unknown command')) {
    return new UnsupportedCommandError(
      `${message}: the server does not know this command (too old, or it was renamed or disabled)`,
      options,
    );
  }
  if (UNAVAILABLE_REPLIES.test(message))
    return new CacheUnavailableError(`Redis cannot serve: ${message}`, options);
  return new CommandError(message, options);
}
