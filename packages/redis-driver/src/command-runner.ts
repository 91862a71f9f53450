import { CacheTimeoutError, CacheUnavailableError } from '@forno/core';
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
  once<T>(command: Command<T>): Promise<T> {
    const client = this.client();
    return this.#withinBudget(attempt(client, command), client);
  }

  /** Sends a command that is safe to repeat, retrying it on connection failures within budget. */
  idempotent<T>(command: Command<T>): Promise<T> {
    const client = this.client();
    const first = attempt(client, command);
    if (this.#retry.retries === 0) return this.#withinBudget(first, client);
    const started = performance.now();
    return this.#withinBudget(
      first.catch((error) => this.#retryAfter(error, command, started)),
      client,
    );
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
