import { CacheUnavailableError } from '@forno/core';
import type { RedisClient } from './create-client.js';
import { rethrowAsCacheError, toCacheError } from './to-cache-error.js';

/** How idempotent commands are retried: at most `retries` times, within `budgetMs` in total. */
export interface CommandRetry {
  readonly retries: number;
  /** Delay before retry `n` (1-based), in ms. */
  delay(retry: number): number;
  /** Total time an operation may take, retries included (the `commandTimeout`). */
  readonly budgetMs: number;
}

/**
 * Sends commands over the pool: round-robin over the command connections, errors translated to
 * `CacheError`s, and idempotent commands retried on `CacheUnavailableError` while their
 * `commandTimeout` budget lasts. Non-idempotent commands are sent exactly once.
 */
export class CommandRunner {
  readonly #clients: readonly RedisClient[];
  readonly #retry: CommandRetry;
  #next = 0;

  constructor(clients: readonly RedisClient[], retry: CommandRetry) {
    this.#clients = clients;
    this.#retry = retry;
  }

  /** The next connection of the pool, round-robin. */
  client(): RedisClient {
    if (this.#clients.length === 1) return this.#clients[0]!;
    const client = this.#clients[this.#next]!;
    this.#next = (this.#next + 1) % this.#clients.length;
    return client;
  }

  /** Sends a command that must not be repeated (`incrby`, `lpush`, `zpopmin`...). */
  once<T>(command: (client: RedisClient) => Promise<T>): Promise<T> {
    return command(this.client()).catch(rethrowAsCacheError);
  }

  /** Sends a command that is safe to repeat, retrying it on connection failures within budget. */
  idempotent<T>(command: (client: RedisClient) => Promise<T>): Promise<T> {
    if (this.#retry.retries === 0) return this.once(command);
    const started = performance.now();
    return command(this.client()).catch((error) => this.#retryAfter(error, command, started));
  }

  async #retryAfter<T>(
    first: unknown,
    command: (client: RedisClient) => Promise<T>,
    started: number,
  ): Promise<T> {
    const deadline = started + this.#retry.budgetMs;
    let error = toCacheError(first);
    for (let retry = 1; retry <= this.#retry.retries && CacheUnavailableError.is(error); retry++) {
      const delay = this.#retry.delay(retry);
      const remaining = deadline - performance.now() - delay;
      if (remaining <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        return await withDeadline(command(this.client()), remaining);
      } catch (next) {
        error = toCacheError(next);
      }
    }
    throw error;
  }
}

/** Rejects with a timeout if `promise` has not settled within `ms` (used for retries only). */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Command timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
