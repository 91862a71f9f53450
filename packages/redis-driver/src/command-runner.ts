import { type CacheError, CacheUnavailableError } from '@forno/core';
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
 *
 * It counts the operations in flight, so a graceful shutdown can wait for them ({@link drain}),
 * and after a permanent connection failure ({@link stopWith}) it rejects at once with that error.
 */
export class CommandRunner {
  readonly #clients: readonly RedisClient[];
  readonly #retry: CommandRetry;
  #next = 0;
  #inFlight = 0;
  #idle: Array<() => void> = [];
  #failure: CacheError | undefined;

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
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return this.#track(command(this.client()).catch(rethrowAsCacheError));
  }

  /** Sends a command that is safe to repeat, retrying it on connection failures within budget. */
  idempotent<T>(command: (client: RedisClient) => Promise<T>): Promise<T> {
    if (this.#retry.retries === 0) return this.once(command);
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const started = performance.now();
    return this.#track(command(this.client()).catch((error) => this.#retryAfter(error, command, started)));
  }

  /**
   * Resolves once every command sent so far has settled (auto-pipelined ones included) and no new
   * one followed within the same turn of the event loop — so an operation made of several commands
   * in a row (`deletePattern`'s SCAN pages) is waited for as a whole — or after `timeoutMs`.
   */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.#inFlight > 0) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#idle.push(resolve);
        timer = setTimeout(resolve, remaining);
      });
      clearTimeout(timer);
      // Continuations run as microtasks: give them a turn to send their next command.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * After a permanent connection failure (rejected credentials, an untrusted certificate), every
   * command rejects at once with `failure` instead of "Connection is closed"; `undefined` resumes.
   */
  stopWith(failure: CacheError | undefined): void {
    this.#failure = failure;
  }

  /** The permanent failure commands reject with, if any (see {@link stopWith}). */
  get failure(): CacheError | undefined {
    return this.#failure;
  }

  #track<T>(operation: Promise<T>): Promise<T> {
    this.#inFlight += 1;
    return operation.finally(() => {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
    });
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
