import {
  type CacheError,
  CacheTimeoutError,
  CacheUnavailableError,
  CommandError,
  CrossSlotError,
  isCacheError,
  WrongTypeError,
} from '@forno/core';
import { redactErrorDetails } from './redact-error-details.js';

/** Reply errors that mean "the server cannot serve right now", not "your command is wrong". */
const UNAVAILABLE_REPLIES = /^(LOADING|CLUSTERDOWN|MASTERDOWN|READONLY|TRYAGAIN|BUSY|NOREPLICAS|MOVED|ASK)\b/;

/**
 * Translates whatever ioredis rejected with into a typed `CacheError` with the original as
 * `cause`: timeouts, connection failures, WRONGTYPE, CROSSSLOT and other server replies. The
 * original's command arguments (passwords, stored values) are redacted first.
 */
export function toCacheError(error: unknown): CacheError {
  if (isCacheError(error)) return error as CacheError;
  const message = error instanceof Error ? error.message : String(error);
  const options = { cause: redactErrorDetails(error) };
  if (message === 'Command timed out') {
    return new CacheTimeoutError('Redis did not answer within commandTimeout', options);
  }
  if ((error as { name?: string } | null)?.name === 'ReplyError') {
    if (message.startsWith('WRONGTYPE')) return new WrongTypeError(message, options);
    if (message.startsWith('CROSSSLOT')) {
      return new CrossSlotError(
        `${message}: the keys must share a hash slot; use a hash tag such as {segments}`,
        options,
      );
    }
    if (UNAVAILABLE_REPLIES.test(message))
      return new CacheUnavailableError(`Redis cannot serve: ${message}`, options);
    return new CommandError(message, options);
  }
  return new CacheUnavailableError(`Redis is unavailable: ${message}`, options);
}

/** `promise.catch` handler that rethrows as a `CacheError`. */
export function rethrowAsCacheError(error: unknown): never {
  throw toCacheError(error);
}
