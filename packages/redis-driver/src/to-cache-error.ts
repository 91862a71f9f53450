import { type CacheError, CacheTimeoutError, CacheUnavailableError, isCacheError } from '@forno/core';
import { cacheErrorOfReply } from '@forno/core/backend';
import { redactErrorDetails } from './redact-error-details.js';

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
  if ((error as { name?: string } | null)?.name === 'ReplyError') return cacheErrorOfReply(message, options);
  return new CacheUnavailableError(`Redis is unavailable: ${message}`, options);
}

/** `promise.catch` handler that rethrows as a `CacheError`. */
export function rethrowAsCacheError(error: unknown): never {
  throw toCacheError(error);
}
