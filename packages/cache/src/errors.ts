import { CacheError, type CacheErrorOptions } from '@forno/core';

/**
 * A factory did not settle within `hardTimeout`: it was abandoned (its `signal` aborted with this
 * error) and every caller waiting for it got this error, or the stale value under grace.
 */
export class FactoryTimeoutError extends CacheError {
  static override readonly code: string = 'E_FACTORY_TIMEOUT';

  /** The hard timeout that passed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options?: CacheErrorOptions) {
    super(`the factory did not settle within its hardTimeout of ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/** The cache was closed with `close()`: it answers no more calls. */
export class CacheClosedError extends CacheError {
  static override readonly code: string = 'E_CACHE_CLOSED';
}
