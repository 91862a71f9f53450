import type { Redis } from 'ioredis';
import type { CommandRunner } from './command-runner.js';
import type { Subscriber } from './subscriber.js';

/** What each group of ioredis-backed commands needs. */
export interface DriverContext {
  /** Sends commands over the pool with error translation and retries. */
  readonly runner: CommandRunner;
  /** Read values as Buffers (binary serializer) instead of strings. */
  readonly binary: boolean;
  /** The connections are Cluster clients. */
  readonly cluster: boolean;
  /** The dedicated pub/sub connection (created on first use). */
  subscriber(): Subscriber;
  /**
   * Opens a connection of its own to the primary that serves `key` (for `WATCH`, which must not
   * share an auto-pipelined connection); the caller disconnects it.
   */
  dedicated(key: string): Promise<Redis>;
}
