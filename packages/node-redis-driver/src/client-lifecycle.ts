import { CacheUnavailableError, type ConnectionStatus } from '@forno/core';
import type { NodeRedisClient } from './node-redis-client.js';

/**
 * What `NodeRedisRepository` does to its node-redis connections: connect with a deadline, read
 * their state, and close them gracefully with a deadline.
 */

/** The flags node-redis exposes on every kind of client (`isReady` is missing on a Cluster). */
interface ClientFlags {
  readonly isOpen: boolean;
  readonly isReady?: boolean;
}

const flagsOf = (client: NodeRedisClient): ClientFlags => client as unknown as ClientFlags;

/**
 * A connection's state as a Forno {@link ConnectionStatus}. `opened` says whether `connect()` was
 * ever called (node-redis does not say), `closed` whether it was closed on purpose.
 */
export function statusOf(client: NodeRedisClient, opened: boolean, closed: boolean): ConnectionStatus {
  if (closed) return 'closed';
  const { isOpen, isReady } = flagsOf(client);
  if (!isOpen) return opened ? 'closed' : 'disconnected';
  if (isReady === undefined || isReady) return 'ready';
  return opened ? 'reconnecting' : 'connecting';
}

/**
 * Opens `client` (node-redis' `connect()` retries by itself, with the reconnect strategy, until it
 * succeeds or the strategy gives up), rejecting with `CacheUnavailableError` if not ready within
 * `timeoutMs`. Reconnecting then goes on in the background; a permanent failure (the strategy
 * returned an error) is rejected with that error's message.
 */
export async function connectClient(client: NodeRedisClient, timeoutMs: number): Promise<void> {
  const { isOpen, isReady } = flagsOf(client);
  if (isOpen && isReady !== false) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CacheUnavailableError(`could not connect to Redis within ${timeoutMs}ms`)),
      timeoutMs,
    );
  });
  const connecting = isOpen
    ? new Promise<void>((resolve) =>
        (client as unknown as NodeJS.EventEmitter).once('ready', () => resolve()),
      )
    : (client.connect() as Promise<unknown>).then(() => undefined);
  connecting.catch(() => {});
  try {
    await Promise.race([connecting, timeout]);
  } catch (error) {
    if (CacheUnavailableError.is(error)) throw error;
    // The reconnect strategy stopped node-redis' loop with its own error (`ReconnectStrategyError`).
    const original = (error as { originalError?: unknown } | null)?.originalError;
    if (CacheUnavailableError.is(original)) throw original;
    throw new CacheUnavailableError(`could not connect to Redis: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes `client`: gracefully when it is up (node-redis' `close()` lets in-flight replies arrive
 * first), at most `timeoutMs`, then at once (`destroy()`).
 */
export async function closeClient(client: NodeRedisClient, timeoutMs: number): Promise<void> {
  if (!flagsOf(client).isOpen) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  const closing = (client.close() as Promise<unknown>).then(
    () => 'closed' as const,
    () => 'late' as const,
  );
  const outcome = await Promise.race([closing, deadline]);
  clearTimeout(timer);
  if (outcome === 'late' && flagsOf(client).isOpen) {
    await (client.destroy() as Promise<unknown> | undefined)?.catch?.(() => {});
  }
}
