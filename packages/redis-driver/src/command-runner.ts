import { type CacheError, CacheTimeoutError, CacheUnavailableError } from '@forno/core';
import { isIdempotent, type RawCommandName } from '@forno/core/backend';
import type { RedisClient } from './create-client.js';
import { toCacheError } from './to-cache-error.js';

/** How idempotent commands are retried: at most `retries` times, within `budgetMs` in total. */
export interface CommandRetry {
  readonly retries: number;
  /** Delay before retry `n` (1-based), in ms. */
  delay(retry: number): number;
  /** Total time an operation may take, retries included (the `commandTimeout`). */
  readonly budgetMs: number;
  /** Called with the connection an operation used when it ran out of time (see `slot-map-refresh.ts`). */
  readonly onTimeout?: (client: RedisClient) => void;
}

type Command<T> = (client: RedisClient) => Promise<T>;

const NO_ARGUMENTS: readonly unknown[] = [];

/**
 * Sends commands over the pool: round-robin over the command connections, errors translated to
 * `CacheError`s, and idempotent commands retried on `CacheUnavailableError` while their
 * `commandTimeout` budget lasts. Non-idempotent commands are sent exactly once.
 *
 * Every operation settles within its budget, whatever ioredis does meanwhile: ioredis starts a
 * command's own timer only once the command is written, and on a Cluster a command can first wait
 * behind a stuck auto-pipeline, in the failover and CLUSTERDOWN delay queues and for slot-map
 * refreshes (up to ~2.6× `commandTimeout` when a primary dies). Past the budget the caller gets a
 * `CacheTimeoutError` (the command may still run: a timeout never says it did not).
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

  /**
   * Sends the raw command `name` (called with `args`): retried like {@link idempotent} when core's
   * command table says it is idempotent for these arguments (`isIdempotent`), sent {@link once}
   * otherwise. Every raw command goes through here, so the choice is never restated per command.
   */
  send<T>(name: RawCommandName, command: Command<T>, args: readonly unknown[] = NO_ARGUMENTS): Promise<T> {
    return isIdempotent(name, args) ? this.idempotent(command) : this.once(command);
  }

  /** Sends a command that must not be repeated (`incrby`, `lpush`, `zpopmin`...). */
  once<T>(command: Command<T>): Promise<T> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const client = this.client();
    return this.#track(this.#withinBudget(attempt(client, command), client));
  }

  /** Sends a command that is safe to repeat, retrying it on connection failures within budget. */
  idempotent<T>(command: Command<T>): Promise<T> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const client = this.client();
    const first = attempt(client, command);
    if (this.#retry.retries === 0) return this.#track(this.#withinBudget(first, client));
    const started = performance.now();
    return this.#track(
      this.#withinBudget(
        first.catch((error) => this.#retryAfter(error, command, started)),
        client,
      ),
    );
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

  async #retryAfter<T>(first: unknown, command: Command<T>, started: number): Promise<T> {
    const deadline = started + this.#retry.budgetMs;
    let error = toCacheError(first);
    for (let retry = 1; retry <= this.#retry.retries && CacheUnavailableError.is(error); retry++) {
      const delay = this.#retry.delay(retry);
      if (deadline - performance.now() - delay <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        return await attempt(this.client(), command);
      } catch (next) {
        error = toCacheError(next);
      }
    }
    throw error;
  }

  /** `promise`, rejected with a `CacheError`, and with a `CacheTimeoutError` once the budget is spent. */
  #withinBudget<T>(promise: Promise<T>, client: RedisClient): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CacheTimeoutError('Redis did not answer within commandTimeout')),
        this.#retry.budgetMs,
      );
    });
    return Promise.race([promise, timeout]).then(
      (value) => {
        clearTimeout(timer);
        return value;
      },
      (error: unknown) => {
        clearTimeout(timer);
        const cacheError = toCacheError(error);
        if (CacheTimeoutError.is(cacheError)) this.#retry.onTimeout?.(client);
        throw cacheError;
      },
    );
  }
}

/** `MOVED`/`ASK` replies: the node did not run the command, another one serves its slot. */
const REDIRECTION = /^(MOVED|ASK) /;

/**
 * Sends `command` once; if a Cluster redirection reaches us, sends it again without
 * auto-pipelining. ioredis follows `MOVED` and `ASK` itself for commands sent on their own, but an
 * auto-pipeline whose other commands succeeded passes the redirection on to the caller (ioredis
 * 6.0). A redirected command did not run, so sending it again is safe even when it is not
 * idempotent.
 */
function attempt<T>(client: RedisClient, command: Command<T>): Promise<T> {
  return send(client, command).catch((error: unknown) => {
    if (!client.isCluster || !REDIRECTION.test((error as Error | null)?.message ?? '')) throw error;
    return withoutAutoPipelining(client, command);
  });
}

function send<T>(client: RedisClient, command: Command<T>): Promise<T> {
  try {
    return command(client);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Sends `command` on its own: ioredis reads `enableAutoPipelining` when a command is issued, which
 * `command` does synchronously, so switching it off around the call affects this command only.
 */
function withoutAutoPipelining<T>(client: RedisClient, command: Command<T>): Promise<T> {
  const options = client.options as { enableAutoPipelining: boolean };
  const autoPipelining = options.enableAutoPipelining;
  options.enableAutoPipelining = false;
  try {
    return send(client, command);
  } finally {
    options.enableAutoPipelining = autoPipelining;
  }
}
