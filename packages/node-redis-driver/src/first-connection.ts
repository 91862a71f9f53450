import { CacheUnavailableError } from '@forno/core';
import type { NodeRedisClient } from './node-redis-client.js';

/** The members of a node-redis client this module uses (`ref`/`unref` exist on single-server clients). */
interface Connectable {
  readonly isOpen: boolean;
  readonly isReady?: boolean;
  connect(): Promise<unknown>;
  destroy(): unknown;
  ref?(): void;
  unref?(): void;
}

const connectable = (client: NodeRedisClient): Connectable => client as unknown as Connectable;

/**
 * Reconnecting before a repository's connections were ever ready, done so that a process whose
 * first `connect()` found no server can exit by itself (as with the ioredis driver).
 *
 * node-redis waits between reconnect attempts on a timer that keeps the process alive, and the
 * timer cannot be unref'd from outside. So while `connect()` is awaited, node-redis' loop runs with
 * delays that never reach past the connect deadline; once it has failed, node-redis' loop is
 * stopped (the clients destroyed) and this class reconnects in the background instead: one attempt
 * at a time on an unref'd timer, over unref'd sockets. When a connection becomes ready, its socket
 * is ref'd again and node-redis' own loop takes over for later outages.
 */
export class FirstConnection {
  readonly #delay: (attempt: number) => number;
  /** While `connect()` is awaited: when it gives up (`performance.now()` clock). */
  #deadline: number | undefined;
  #timeoutMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #attempt = 0;
  #done = false;
  #stopped = false;

  /** `delay(attempt)`: the backoff before background attempt `attempt` (1-based). */
  constructor(delay: (attempt: number) => number) {
    this.#delay = delay;
  }

  /** Whether a connection was ever ready (from then on node-redis' loop reconnects). */
  get done(): boolean {
    return this.#done;
  }

  /** Whether connections are being reconnected in the background (the awaited `connect()` failed). */
  get reconnecting(): boolean {
    return !this.#stopped && this.#deadline === undefined && this.#attempt > 0;
  }

  /**
   * `client` became ready: its socket holds the process again (as any open connection does), and
   * from now on node-redis' own loop reconnects. Clients of the pool that are still closed keep
   * being reconnected in the background.
   */
  ready(client: NodeRedisClient): void {
    connectable(client).ref?.();
    this.#done = true;
    this.#deadline = undefined;
  }

  /** `connect()` is awaited until `timeoutMs` from now: node-redis' own loop may retry until then. */
  begin(timeoutMs: number): void {
    this.#cancel();
    this.#stopped = false;
    this.#attempt = 0;
    this.#timeoutMs = timeoutMs;
    this.#deadline = performance.now() + timeoutMs;
  }

  /**
   * The reconnect strategy before any connection was ready: `delay`, unless waiting it would end
   * past the connect deadline or nobody awaits `connect()` — then an error that stops node-redis'
   * loop (no timer is left behind).
   */
  reconnectDelay(delay: number): number | Error {
    const deadline = this.#deadline;
    if (deadline !== undefined && performance.now() + delay < deadline) return delay;
    return new CacheUnavailableError(`could not connect to Redis within ${this.#timeoutMs}ms`);
  }

  /**
   * The awaited `connect()` failed: destroys `clients` that are still trying (their sockets and
   * node-redis' loop) and keeps reconnecting them in the background without holding the process.
   */
  failed(clients: readonly NodeRedisClient[]): void {
    this.#deadline = undefined;
    if (this.#done || this.#stopped) return;
    for (const client of clients) stop(connectable(client));
    this.#schedule(clients);
  }

  /** Stops reconnecting in the background (on `disconnect()`, or a permanent failure). */
  stop(): void {
    this.#stopped = true;
    this.#deadline = undefined;
    this.#cancel();
  }

  #schedule(clients: readonly NodeRedisClient[]): void {
    this.#timer = setTimeout(() => this.#tryOnce(clients), this.#delay(++this.#attempt));
    this.#timer.unref();
  }

  /** One attempt per closed client (node-redis' loop stops after it: see `reconnectDelay`). */
  async #tryOnce(clients: readonly NodeRedisClient[]): Promise<void> {
    this.#timer = undefined;
    await Promise.all(
      clients.map(async (client) => {
        const connection = connectable(client);
        if (connection.isOpen || this.#stopped || this.#deadline !== undefined) return;
        if (!this.#done) connection.unref?.();
        await connection.connect().catch(() => {
          // The next background attempt follows; node-redis emitted the `error` already.
        });
      }),
    );
    if (this.#stopped || this.#deadline !== undefined) return;
    if (clients.some((client) => !connectable(client).isOpen)) this.#schedule(clients);
    else this.#attempt = 0;
  }

  #cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** Destroys a client that is still trying to connect (no-op when it is closed already). */
function stop(client: Connectable): void {
  if (!client.isOpen) return;
  try {
    client.destroy();
  } catch {
    // Already closed by node-redis itself (its reconnect strategy gave up).
  }
}
