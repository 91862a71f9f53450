import { type CacheError, CacheTimeoutError, CacheUnavailableError } from '../errors.js';
import { isIdempotent } from '../repository/command-table.js';
import type { RawCommandName } from '../repository/raw-commands.js';
import { DeadlineQueue, type Expiring } from './deadline-queue.js';

const NO_ARGUMENTS: readonly unknown[] = [];

/** How idempotent commands are retried: at most `retries` times, within `budgetMs` in total. */
export interface CommandRetry<C> {
  readonly retries: number;
  /** Delay before retry `n` (1-based), in ms. */
  delay(retry: number): number;
  /** Total time an operation may take, retries included (the `commandTimeout`). */
  readonly budgetMs: number;
  /** Called with the connection an operation used when it ran out of time (a driver may refresh its slot map). */
  readonly onTimeout?: ((client: C) => void) | undefined;
  /**
   * Called with the connection an attempt used when it failed with `CacheUnavailableError` (before
   * any retry): a driver whose client does not notice a dead Cluster node by itself refreshes its
   * slot map here, so the retry goes to the promoted replica.
   */
  readonly onUnavailable?: ((client: C) => void) | undefined;
}

/** One command sent on a client of the pool, as a driver writes it: `(c) => c.get(key)`. */
export type Command<C, T> = (client: C) => Promise<T>;

/** What a driver tells a {@link CommandRunner} about its client library. */
export interface CommandRunnerDriver<C> extends CommandRetry<C> {
  /** Translates whatever the client rejected with into a typed `CacheError`. */
  toCacheError(error: unknown): CacheError;
  /**
   * Sends `command` once on `client` (default: calls it). A driver hooks its client's quirks in
   * here, such as sending a Cluster redirection again that the client passed on.
   */
  readonly attempt?: (<T>(client: C, command: Command<C, T>) => Promise<T>) | undefined;
}

/**
 * Sends commands over the pool: round-robin over the command connections, errors translated to
 * `CacheError`s, and idempotent commands retried on `CacheUnavailableError` while their
 * `commandTimeout` budget lasts. Non-idempotent commands are sent exactly once.
 *
 * Every operation settles within its budget, whatever the client library does meanwhile (ioredis
 * starts a command's own timer only once the command is written and can queue it behind failover
 * delays; node-redis has no reply timeout at all): past the budget the caller gets a
 * `CacheTimeoutError` (the command may still run: a timeout never says it did not). Both Redis
 * drivers send every command through one of these.
 *
 * It counts the operations in flight, so a graceful shutdown can wait for them ({@link drain}),
 * and after a permanent connection failure ({@link stopWith}) it rejects at once with that error.
 */
export class CommandRunner<C> {
  readonly #clients: readonly C[];
  readonly #driver: CommandRunnerDriver<C>;
  readonly #deadlines = new DeadlineQueue();
  readonly #context: RunnerContext<C>;
  #next = 0;
  #inFlight = 0;
  #idle: Array<() => void> = [];
  #failure: CacheError | undefined;

  /** `clients` is the pool (at least one connection); `driver` says how to send and retry. */
  constructor(clients: readonly C[], driver: CommandRunnerDriver<C>) {
    this.#clients = clients;
    this.#driver = driver;
    const attempt = driver.attempt;
    this.#context = {
      driver,
      client: () => this.client(),
      attempt: <T>(client: C, command: Command<C, T>): Promise<T> => {
        try {
          return attempt === undefined ? command(client) : attempt(client, command);
        } catch (error) {
          return Promise.reject(error);
        }
      },
      settled: (operation) => this.#settled(operation),
    };
  }

  /** The next connection of the pool, round-robin. */
  client(): C {
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
  send<T>(name: RawCommandName, command: Command<C, T>, args: readonly unknown[] = NO_ARGUMENTS): Promise<T> {
    return isIdempotent(name, args) ? this.idempotent(command) : this.once(command);
  }

  /** Sends a command that must not be repeated (`incrby`, `lpush`, `zpopmin`...). */
  once<T>(command: Command<C, T>): Promise<T> {
    return this.#run(command, false);
  }

  /** Sends a command that is safe to repeat, retrying it on connection failures within budget. */
  idempotent<T>(command: Command<C, T>): Promise<T> {
    return this.#run(command, this.#driver.retries > 0);
  }

  /**
   * Sends `command` once on every connection of the pool, for what only counts per connection:
   * `WAIT` acknowledges the writes of the connection it is sent on, and a write may have gone out
   * on any of them. `waitMs`: how long the command may block on the server by design (`WAIT`'s
   * timeout), added to the operation's deadline so the wait itself never counts as a timeout.
   */
  onEveryConnection<T>(command: Command<C, T>, waitMs = 0): Promise<T[]> {
    return Promise.all(this.#clients.map((client) => this.#run(command, false, client, waitMs)));
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
   * One operation as one promise (the hot path: no `Promise.race`, no extra chained promises, no
   * timer of its own — its deadline joins the runner's {@link DeadlineQueue}): the first attempt,
   * retries while `retrying` allows and the budget lasts, and the deadline. Whatever settles first
   * wins; once settled, no further attempt is sent.
   */
  #run<T>(command: Command<C, T>, retrying: boolean, client: C = this.client(), waitMs = 0): Promise<T> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    this.#inFlight += 1;
    const promise = new Promise<T>(captureSettlers);
    const operation = new Operation<C, T>(this.#context, command, client, retrying, settlers, waitMs);
    this.#deadlines.add(operation);
    this.#context.attempt(client, command).then(operation.succeed, operation.failed);
    return promise;
  }

  /** Called once by each operation when it settles. */
  #settled(operation: Expiring): void {
    this.#deadlines.remove(operation);
    this.#inFlight -= 1;
    if (this.#inFlight === 0 && this.#idle.length > 0) for (const resolve of this.#idle.splice(0)) resolve();
  }
}

/** What an {@link Operation} needs of its runner (one object per runner, made once). */
interface RunnerContext<C> {
  readonly driver: CommandRunnerDriver<C>;
  /** The next connection of the pool. */
  client(): C;
  /** Sends `command` once on `client` through the driver's `attempt`, a synchronous throw as a rejection. */
  attempt<T>(client: C, command: Command<C, T>): Promise<T>;
  /** Called once by each operation when it settles. */
  settled(operation: Expiring): void;
}

/** The settle functions of the promise being created (see {@link captureSettlers}). */
interface Settlers {
  resolve: (value: never) => void;
  reject: (error: unknown) => void;
}
const settlers: Settlers = { resolve: () => {}, reject: () => {} };

/** A promise executor that allocates nothing: it hands the settle functions over in {@link settlers}. */
function captureSettlers(resolve: (value: never) => void, reject: (error: unknown) => void): void {
  settlers.resolve = resolve;
  settlers.reject = reject;
}

/** One operation of a {@link CommandRunner}: its attempts, its deadline and its promise's settle functions. */
class Operation<C, T> implements Expiring {
  readonly deadline: number;
  previous: Expiring | undefined;
  next: Expiring | undefined;
  queued = false;
  readonly #runner: RunnerContext<C>;
  readonly #command: Command<C, T>;
  readonly #client: C;
  readonly #retrying: boolean;
  readonly #resolve: (value: T) => void;
  readonly #reject: (error: unknown) => void;
  #settled = false;
  #retry = 0;

  constructor(
    runner: RunnerContext<C>,
    command: Command<C, T>,
    client: C,
    retrying: boolean,
    from: Settlers,
    waitMs: number,
  ) {
    this.#runner = runner;
    this.#command = command;
    this.#client = client;
    this.#retrying = retrying;
    this.#resolve = from.resolve as (value: T) => void;
    this.#reject = from.reject;
    this.deadline = performance.now() + runner.driver.budgetMs + waitMs;
  }

  /** The attempt's reply: the operation's result, unless it settled already. */
  readonly succeed = (value: T): void => {
    if (this.#finish()) this.#resolve(value);
  };

  /** The attempt failed: retried after a delay when allowed and within budget, else the operation fails. */
  readonly failed = (error: unknown): void => {
    if (this.#settled) return;
    const driver = this.#runner.driver;
    const cacheError = driver.toCacheError(error);
    const unavailable = CacheUnavailableError.is(cacheError);
    if (unavailable) driver.onUnavailable?.(this.#client);
    const delay = this.#retrying && unavailable ? this.#retryDelay(++this.#retry) : -1;
    if (delay < 0) {
      this.#fail(cacheError);
      return;
    }
    setTimeout(() => {
      if (!this.#settled) {
        const runner = this.#runner;
        runner.attempt(runner.client(), this.#command).then(this.succeed, this.failed);
      }
    }, delay);
  };

  /** The deadline passed (called by the runner's deadline queue). */
  expire(): void {
    this.#fail(new CacheTimeoutError('Redis did not answer within commandTimeout'));
  }

  #fail(error: CacheError): void {
    if (!this.#finish()) return;
    if (CacheTimeoutError.is(error)) this.#runner.driver.onTimeout?.(this.#client);
    this.#reject(error);
  }

  #finish(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#runner.settled(this);
    return true;
  }

  /** The delay before retry `retry`, or -1 when retries are used up or it would not fit the budget. */
  #retryDelay(retry: number): number {
    const driver = this.#runner.driver;
    if (retry > driver.retries) return -1;
    const delay = driver.delay(retry);
    return this.deadline - performance.now() - delay <= 0 ? -1 : delay;
  }
}
