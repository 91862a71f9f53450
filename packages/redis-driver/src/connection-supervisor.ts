import { type CacheError, CacheUnavailableError } from '@forno/core';
import { connectionFailureOf, type HealthMonitor } from '@forno/core/backend';
import { disableOfflineQueue } from './client-lifecycle.js';
import type { CommandRunner } from './command-runner.js';
import { isCluster, type RedisClient } from './create-client.js';
import { redactErrorDetails } from './redact-error-details.js';

/** What a {@link ConnectionSupervisor} acts on; owned by `RedisRepository`. */
export interface SupervisedParts {
  readonly clients: readonly RedisClient[];
  readonly runner: CommandRunner;
  readonly health: HealthMonitor;
  /** The connections use TLS. */
  readonly tls: boolean;
  /**
   * The repository created the connections. A client the user passed in keeps its own retry
   * options: a permanent failure is only reported (health), never acted upon.
   */
  readonly owned: boolean;
  /** Whether every connection of the pool is ready. */
  ready(): boolean;
  /** Reports the pool's state to event listeners (metrics). */
  report(): void;
}

/**
 * Watches a repository's ioredis connections (internal to `RedisRepository`):
 *
 * - `'error'` events are always handled (an unhandled one would crash the process); failures reach
 *   callers as typed rejections instead.
 * - A failure that retrying cannot fix — rejected credentials, an untrusted certificate, plaintext
 *   to a TLS port — stops every connection of the pool instead of letting ioredis retry it twice a
 *   second forever: commands then reject at once with the typed error, health says why, and
 *   nothing keeps the process alive. `connect()` (or the next health check) tries once more.
 * - Until a connection has been ready once, its background reconnect timer does not keep the
 *   process alive, so a process whose `connect()` failed can exit. Once connected, reconnecting
 *   keeps it alive as the connection did.
 * - Readiness and losses mark health between periodic checks.
 */
export class ConnectionSupervisor {
  readonly #parts: SupervisedParts;
  readonly #connectedBefore = new WeakSet<RedisClient>();
  #failure: CacheError | undefined;
  #closed = false;

  constructor(parts: SupervisedParts) {
    this.#parts = parts;
    for (const client of parts.clients) this.#watch(client);
    if (parts.ready()) parts.health.markHealthy();
  }

  /** The permanent failure that stopped the connections, until the next `connect()`. */
  get failure(): CacheError | undefined {
    return this.#failure;
  }

  /** Forgets a permanent failure before connecting again. */
  connecting(): void {
    this.#closed = false;
    this.#failure = undefined;
    this.#parts.runner.stopWith(undefined);
  }

  /** Records a closed repository: unhealthy, on purpose. */
  closed(): void {
    this.#closed = true;
    this.#parts.health.markUnhealthy(new CacheUnavailableError('the repository is disconnected'));
  }

  #watch(client: RedisClient): void {
    const parts = this.#parts;
    client.on('error', (error: unknown) => this.#onError(client, error));
    client.on('ready', () => {
      this.#connectedBefore.add(client);
      // Fail fast from now on: while disconnected, commands are rejected at once instead of
      // waiting in ioredis' offline queue.
      disableOfflineQueue(client);
      parts.health.start();
      if (parts.ready()) parts.health.markHealthy();
      parts.report();
    });
    client.on('reconnecting', () => {
      if (!this.#connectedBefore.has(client)) unrefReconnectTimer(client);
      // A loss of a working connection; an earlier failure (and its reason) is kept.
      if (!this.#closed && parts.health.state.healthy) {
        parts.health.markUnhealthy(
          new CacheUnavailableError('the connection to Redis was lost; reconnecting'),
        );
      }
      parts.report();
    });
    client.on('end', () => parts.report());
  }

  #onError(client: RedisClient, error: unknown): void {
    if (this.#failure !== undefined) return;
    const failure = connectionFailureOf(
      error,
      {
        tls: this.#parts.tls,
        handshaking: !isCluster(client) && client.status === 'connect',
        connectedBefore: this.#connectedBefore.has(client),
      },
      redactErrorDetails(error),
    );
    if (failure === undefined) return;
    this.#parts.health.markUnhealthy(failure);
    if (!this.#parts.owned) return;
    this.#failure = failure;
    this.#parts.runner.stopWith(failure);
    // A manual disconnect: ioredis stops reconnecting.
    for (const each of this.#parts.clients) each.disconnect();
  }
}

/**
 * ioredis keeps its pending reconnect in `reconnectTimeout` (Redis and Cluster alike); it is set
 * before the `'reconnecting'` event is emitted (on the next tick).
 */
function unrefReconnectTimer(client: RedisClient): void {
  (client as unknown as { reconnectTimeout?: NodeJS.Timeout | null }).reconnectTimeout?.unref?.();
}
