import type { ConnectionStatus } from '../instrumentation.js';
import type { Serializer } from '../serializer.js';
import type { HashCommands } from './hash-commands.js';
import type { KeyValueCommands } from './key-value-commands.js';
import type { ListCommands } from './list-commands.js';
import type { LockPrimitives, PubSubCommands } from './lock-primitives.js';
import type { ScriptCommands } from './script.js';
import type { SetCommands } from './set-commands.js';
import type { SortedSetCommands } from './sorted-set-commands.js';
import type { StreamCommands } from './stream-commands.js';
import type { TransactionalCommands } from './transaction-commands.js';

/** Connection lifecycle shared by every backend. */
export interface Lifecycle {
  /** Current connection state. */
  readonly status: ConnectionStatus;
  /** Opens the connection(s); resolves once commands can be sent. Safe to call twice. */
  connect(): Promise<void>;
  /** Closes the connection(s) after in-flight commands settle. Safe to call twice. */
  disconnect(): Promise<void>;
  /** Round-trips a `PING`; resolves with the latency in milliseconds. */
  ping(): Promise<number>;
  /**
   * Deletes every key of the database (not only this prefix). Throws `ForbiddenOperationError`
   * unless the repository was created with `allowFlush: true`, so it cannot run by accident.
   */
  flushdb(): Promise<void>;
}

/**
 * The cache repository: every Redis data structure behind one typed interface. `RedisRepository`
 * (standalone, Sentinel, Cluster) and `InMemoryCacheRepository` implement it and pass the same
 * contract suite, so code written against it runs on either.
 */
export interface CacheRepository
  extends KeyValueCommands,
    HashCommands,
    ListCommands,
    SetCommands,
    SortedSetCommands,
    StreamCommands,
    LockPrimitives,
    PubSubCommands,
    TransactionalCommands,
    ScriptCommands,
    Lifecycle {
  /** Prefix prepended to every key and channel, e.g. `'mario_pizzeria:'`. */
  readonly keyPrefix: string;
  /** Serializer used for values. */
  readonly serializer: Serializer;
}
