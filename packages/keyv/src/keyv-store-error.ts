import { CacheError } from '@forno/core';

/** The store methods Keyv calls; a {@link KeyvStoreError} names the one that failed. */
export type KeyvStoreOperation =
  | 'get'
  | 'getMany'
  | 'set'
  | 'setMany'
  | 'delete'
  | 'deleteMany'
  | 'clear'
  | 'has'
  | 'hasMany'
  | 'iterator'
  | 'disconnect';

/**
 * What `FornoKeyvStore` emits as Keyv's `'error'` event (and rejects with under `throwOnErrors`)
 * when a repository call fails. Code `E_KEYV_STORE`; `cause` is the repository's own error —
 * `CacheTimeoutError`, `CacheUnavailableError`, `SerializationError`… — so a listener can tell an
 * outage from a bug with `CacheTimeoutError.is(error.cause)` and keep the driver's error chain.
 */
export class KeyvStoreError extends CacheError {
  static override readonly code: string = 'E_KEYV_STORE';

  /** The store method that failed. */
  readonly operation: KeyvStoreOperation;

  constructor(operation: KeyvStoreOperation, cause: unknown) {
    super(`Keyv store ${operation} failed: ${messageOf(cause)}`, { cause });
    this.operation = operation;
  }
}

function messageOf(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return typeof cause === 'string' ? cause : 'unknown error';
}
