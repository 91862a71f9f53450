import { CacheUnavailableError, type ConnectionStatus } from '@forno/core';
import { LOCK_SCRIPTS } from '@forno/core/backend';
import { isCluster, type RedisClient } from './create-client.js';

/**
 * What `RedisRepository` does to its ioredis connections: connect with a deadline, close
 * gracefully, read their state, and prepare clients it did not create.
 */

/** A connection's ioredis status as a Forno {@link ConnectionStatus}. */
export function statusOf(client: RedisClient): ConnectionStatus {
  switch (client.status) {
    case 'ready':
      return 'ready';
    case 'connecting':
    case 'connect':
      return 'connecting';
    case 'reconnecting':
      return 'reconnecting';
    case 'wait':
      return 'disconnected';
    default:
      return 'closed';
  }
}

/** Whether `value` is an ioredis `Redis` or `Cluster` (duck-typed, so any copy of ioredis works). */
export function isClient(value: unknown): value is RedisClient {
  return typeof (value as RedisClient | null)?.sendCommand === 'function' && 'isCluster' in (value as object);
}

/** Connects `client`, rejecting with `CacheUnavailableError` if not ready within `timeoutMs`. */
export async function connectClient(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CacheUnavailableError(`could not connect to Redis within ${timeoutMs}ms`)),
      timeoutMs,
    );
  });
  const connecting =
    client.status === 'wait' || client.status === 'end' || client.status === 'close'
      ? client.connect()
      : new Promise<void>((resolve) => client.once('ready', () => resolve()));
  try {
    await Promise.race([connecting, timeout]);
  } catch (error) {
    connecting.catch(() => {});
    throw new CacheUnavailableError(`could not connect to Redis: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * ioredis queues commands sent while disconnected, which a first command needs to auto-connect.
 * Once connected (or once `connect()` failed) Forno turns the queue off so commands fail at once.
 */
export function disableOfflineQueue(client: RedisClient): void {
  (client.options as { enableOfflineQueue: boolean }).enableOfflineQueue = false;
}

/**
 * Closes a ready connection gracefully (in-flight replies arrive first, at most `timeoutMs`), and
 * any other one at once.
 */
export async function closeClient(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    // Nothing was sent on it (or it is gone already): no QUIT to wait for, and no 'end' to await,
    // which ioredis does not emit for a connection waiting to reconnect.
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const ended = new Promise<void>((resolve) => {
    client.once('end', () => resolve());
    timer = setTimeout(() => {
      client.disconnect();
      resolve();
    }, timeoutMs);
  });
  client.quit().catch(() => client.disconnect());
  await ended;
  clearTimeout(timer);
}

/** A new connection with the same options as `client` (for pub/sub on a client we do not own). */
export function duplicate(client: RedisClient): RedisClient {
  // A Cluster subscriber also hears sharded channels (SSUBSCRIBE), as Forno's own does.
  return isCluster(client) ? client.duplicate([], { shardedSubscribers: true }) : client.duplicate();
}

/** Defines Forno's Lua scripts on a client that was not created by Forno. */
export function withScripts<T extends RedisClient>(client: T): T {
  for (const [name, definition] of Object.entries(LOCK_SCRIPTS)) {
    if (typeof (client as unknown as Record<string, unknown>)[name] !== 'function') {
      client.defineCommand(name, definition);
    }
  }
  return client;
}
