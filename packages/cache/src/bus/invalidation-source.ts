/**
 * What a hybrid cache does with invalidations, whatever their source. Keys are relative to the
 * repository's `keyPrefix`, as every Forno key: an entry is `<namespace>:<key>`; a namespace's tag
 * invalidations live at `#<namespace>:tags`.
 */
export interface InvalidationListener {
  /** These keys changed (written, deleted, expired) elsewhere: drop them from the in-process layer. */
  keysChanged(keys: readonly string[]): void;
  /** Anything may have changed (notifications were lost, a connection was re-established): clear it all. */
  everythingChanged(): void;
}

/**
 * An external source of invalidations, used instead of the hybrid cache's own bus — e.g. a driver
 * with server-assisted client tracking (RESP3 `CLIENT TRACKING`), which learns from Redis itself
 * which keys changed. With one, the cache publishes nothing: the source must report every change
 * of an entry key (its own writes included, or not — an extra eviction is harmless) and call
 * `everythingChanged()` whenever notifications may have been lost.
 */
export interface InvalidationSource {
  /** Starts delivering invalidations to `listener`; resolves with a function that stops. */
  subscribe(listener: InvalidationListener): Promise<() => void | Promise<void>>;
}
