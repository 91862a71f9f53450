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
    return this.#run(command, false);
  }

  /** Sends a command that is safe to repeat, retrying it on connection failures within budget. */
  idempotent<T>(command: Command<T>): Promise<T> {
    return this.#run(command, this.#retry.retries > 0);
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

  /**
   * One operation as one promise (the hot path: no `Promise.race`, no extra chained promises): the
   * first attempt, retries while `retrying` allows and the budget lasts, and the budget's timer.
   * Whatever settles first wins; once settled, no further attempt is sent.
   */
  #run<T>(command: Command<T>, retrying: boolean): Promise<T> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const client = this.client();
    const started = retrying ? performance.now() : 0;
    this.#inFlight += 1;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let retry = 0;
      const finish = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        this.#operationSettled();
        return true;
      };
      const succeed = (value: T) => {
        if (finish()) resolve(value);
      };
      const fail = (error: unknown, used: RedisClient) => {
        if (!finish()) return;
        const cacheError = toCacheError(error);
        if (CacheTimeoutError.is(cacheError)) this.#retry.onTimeout?.(used);
        reject(cacheError);
      };
      const failed = (error: unknown) => {
        if (settled) return;
        const cacheError = toCacheError(error);
        const delay =
          retrying && CacheUnavailableError.is(cacheError) ? this.#retryDelay(++retry, started) : -1;
        if (delay < 0) {
          fail(cacheError, client);
          return;
        }
        setTimeout(() => {
          if (!settled) attempt(this.client(), command).then(succeed, failed);
        }, delay);
      };
      const timer = setTimeout(
        () => fail(new CacheTimeoutError('Redis did not answer within commandTimeout'), client),
        this.#retry.budgetMs,
      );
      attempt(client, command).then(succeed, failed);
    });
  }

  /** The delay before retry `retry`, or -1 when retries are used up or it would not fit the budget. */
  #retryDelay(retry: number, started: number): number {
    if (retry > this.#retry.retries) return -1;
    const delay = this.#retry.delay(retry);
    return started + this.#retry.budgetMs - performance.now() - delay <= 0 ? -1 : delay;
  }

  #operationSettled(): void {
    this.#inFlight -= 1;
    if (this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
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
