import { type CacheError, CacheTimeoutError, CacheUnavailableError, isCacheError } from '@forno/core';
import { cacheErrorOfReply } from '@forno/core/backend';

/** node-redis' classes of server error replies (by name, so any copy of `@redis/client` matches). */
const REPLY_ERRORS = new Set(['ErrorReply', 'SimpleError', 'BlobError']);
/** node-redis' timeout errors: a command or a socket that waited too long. */
const TIMEOUT_ERRORS = new Set([
  'TimeoutError',
  'SocketTimeoutError',
  'CommandTimeoutDuringMaintenanceError',
]);

/**
 * Translates whatever node-redis rejected with into a typed `CacheError` with the original as
 * `cause`: server error replies (WRONGTYPE, CROSSSLOT, LOADING...) through the shared mapping of
 * `@forno/core/backend`, timeouts, and anything else — the client is closed, offline, its socket
 * dropped — as `CacheUnavailableError`. node-redis errors carry no command arguments, so nothing
 * stored or secret reaches the cause.
 */
export function toCacheError(error: unknown): CacheError {
  if (isCacheError(error)) return error as CacheError;
  const message = error instanceof Error ? error.message : String(error);
  const name = errorClassName(error);
  const options = { cause: error };
  if (REPLY_ERRORS.has(name)) return cacheErrorOfReply(message, options);
  if (TIMEOUT_ERRORS.has(name))
    return new CacheTimeoutError('Redis did not answer within commandTimeout', options);
  return new CacheUnavailableError(`Redis is unavailable: ${message}`, options);
}

/**
 * The class name of what node-redis rejected with (`''` when none): its error classes are told
 * apart by name, so any copy of `@redis/client` matches.
 */
export function errorClassName(error: unknown): string {
  return (error as { constructor?: { name?: string } } | null)?.constructor?.name ?? '';
}

/** `promise.catch` handler that rethrows as a `CacheError`. */
export function rethrowAsCacheError(error: unknown): never {
  throw toCacheError(error);
}
