import { describeValue, InvalidArgumentError, InvalidConfigError, isWellFormedText } from '@forno/core';

/**
 * Where a hybrid cache keeps things, relative to the repository's `keyPrefix`:
 *
 * - an entry: `<namespace>:<key>` (`menu:margherita`, `menu:drinks:cola` in a child namespace);
 * - tag invalidation times: `#<namespace>:tags` (one sorted set per namespace);
 * - the stampede lock of an entry: `#<namespace>:lock:<key>`;
 * - the bus channel: `forno:cache:<root namespace>`.
 *
 * Namespace names cannot contain `:` or `#` or glob characters, and entries always start with a
 * namespace, so no entry key can equal an internal (`#`) key, whatever the user's keys contain.
 */
const NAMESPACE = /^[^:#*?[\]\\\s]+$/;

/** Throws unless `name` is a valid namespace segment. */
export function assertNamespace(
  name: unknown,
  argument: string,
  kind: 'config' | 'argument',
): asserts name is string {
  if (typeof name !== 'string' || !NAMESPACE.test(name) || !isWellFormedText(name)) {
    const message = `expected a non-empty name without ':', '#', whitespace or glob characters, got ${describeValue(name)}`;
    throw kind === 'config'
      ? new InvalidConfigError(argument, message)
      : new InvalidArgumentError(argument, message);
  }
}

/** The repository key of an entry. */
export function entryKey(namespace: string, key: string): string {
  return `${namespace}:${key}`;
}

/** The repository key of a namespace's tag invalidation times. */
export function tagsKey(namespace: string): string {
  return `#${namespace}:tags`;
}

/** The repository key of an entry's stampede lock. */
export function lockKey(namespace: string, key: string): string {
  return `#${namespace}:lock:${key}`;
}

/** The bus channel of a cache (shared by its child namespaces). */
export function busChannel(rootNamespace: string): string {
  return `forno:cache:${rootNamespace}`;
}
