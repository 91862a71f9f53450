import type { Duration } from '../duration.js';
import type { EntriesInput } from './key-value-commands.js';

/**
 * One entry of a stream: its ID (`'1700000000000-0'`) and its fields, values deserialized.
 * `T` is the shape of the fields record, e.g. `{ orderId: string }`.
 */
export interface StreamEntry<T = Record<string, unknown>> {
  readonly id: string;
  /**
   * The fields. `null` only when a consumer re-reads its own pending history (`xreadgroup` with an
   * `id` other than `'>'`) and the entry was deleted meanwhile, as Redis reports it.
   */
  readonly fields: T;
}

/** How a stream is capped: by length (`MAXLEN`) or by oldest ID kept (`MINID`). */
export interface StreamTrimOptions {
  /** Keep at most this many entries. */
  readonly maxLen?: number;
  /** Drop entries with an ID below this one. */
  readonly minId?: string;
  /** `~`: let Redis trim in whole macro-nodes (cheaper; may keep a few more entries). */
  readonly approximate?: boolean;
}

/** Options of {@link StreamCommands.xadd}. */
export interface XAddOptions extends StreamTrimOptions {
  /** An explicit ID (`'5-1'`, `'5-*'`); default `'*'`, the server's clock. */
  readonly id?: string;
  /** `NOMKSTREAM`: do not create a missing stream (`xadd` then returns `null`). */
  readonly noMkStream?: boolean;
}

/** Options of {@link StreamCommands.xrange}. */
export interface XRangeOptions {
  /** At most this many entries. */
  readonly count?: number;
}

/**
 * How long a read waits for new entries when there are none yet (`BLOCK`), and how it can be
 * stopped early. Forno waits client-side with short non-blocking polls instead of sending `BLOCK`
 * to Redis: a blocking command would hold the shared (auto-pipelined) connection, so every other
 * command of the process would queue behind it, and it would outlast the fail-fast
 * `commandTimeout`. Each poll is an ordinary command with the ordinary deadline; an outage fails
 * the read at once with a typed error.
 */
export interface BlockOptions {
  /** Wait up to this long for entries (`0`/omitted: answer at once). */
  readonly block?: Duration;
  /** Stops waiting (the read resolves with what it has: nothing). */
  readonly signal?: AbortSignal;
}

/** Options of {@link StreamCommands.xread}. */
export interface XReadOptions extends BlockOptions {
  /** At most this many entries. */
  readonly count?: number;
}

/** Options of {@link StreamCommands.xreadgroup}. */
export interface XReadGroupOptions extends BlockOptions {
  /** At most this many entries. */
  readonly count?: number;
  /**
   * `'>'` (default): entries never delivered to any consumer of the group. Any other ID: this
   * consumer's own pending entries after that ID (`'0'` for all), e.g. after a restart.
   */
  readonly id?: string;
  /** `NOACK`: do not add the entries to the pending list (at-most-once). */
  readonly noAck?: boolean;
}

/** Options of {@link StreamCommands.xgroupCreate}. */
export interface XGroupCreateOptions {
  /** `MKSTREAM`: create the stream (empty) when it does not exist yet. */
  readonly mkStream?: boolean;
}

/** `XPENDING key group`: the group's pending entries in summary. */
export interface PendingSummary {
  /** Entries delivered and not acknowledged. */
  readonly count: number;
  /** Lowest and highest pending IDs (`null` when nothing is pending). */
  readonly minId: string | null;
  readonly maxId: string | null;
  /** Pending entries per consumer that has any. */
  readonly consumers: ReadonlyArray<{ readonly name: string; readonly pending: number }>;
}

/** One pending entry of `XPENDING key group [IDLE ms] start end count [consumer]`. */
export interface PendingEntry {
  readonly id: string;
  /** The consumer it was last delivered to. */
  readonly consumer: string;
  /** Milliseconds since it was last delivered. */
  readonly idleMs: number;
  /** How many times it was delivered (a claim counts as a delivery). */
  readonly deliveries: number;
}

/** Options of the extended form of {@link StreamCommands.xpending}. */
export interface XPendingOptions {
  /** Lowest ID (default `'-'`). */
  readonly start?: string;
  /** Highest ID (default `'+'`). */
  readonly end?: string;
  /** At most this many entries (required: it selects the extended form). */
  readonly count: number;
  /** Only this consumer's entries. */
  readonly consumer?: string;
  /** Only entries idle at least this long (`IDLE`). */
  readonly minIdle?: Duration;
}

/** Options of {@link StreamCommands.xautoclaim}. */
export interface XAutoClaimOptions {
  /** Scan the pending list from this ID (default `'0-0'`); pass the previous call's `next` to go on. */
  readonly start?: string;
  /** Claim at most this many entries (default 100, as Redis). */
  readonly count?: number;
}

/** What {@link StreamCommands.xautoclaim} claimed. */
export interface AutoClaimResult<T = Record<string, unknown>> {
  /** Where the next call should start; `'0-0'` once the whole pending list was scanned. */
  readonly next: string;
  /** The entries now owned by the claiming consumer (their delivery count went up by one). */
  readonly entries: StreamEntry<T>[];
  /** IDs that were pending but no longer exist in the stream; Redis removed them from the list. */
  readonly deleted: string[];
}

/**
 * Stream commands: an append-only log with consumer groups, a reliable at-least-once queue. Field
 * names are plain strings; field values go through the serializer (like hash fields). A read names
 * one stream, so each call lives on one hash slot (Cluster-safe).
 *
 * ```ts
 * await repo.xgroupCreate('orders', 'kitchen', '0', { mkStream: true });
 * await repo.xadd('orders', { orderId: 'o-1', pizzas: ['margherita'] });
 * const [entry] = await repo.xreadgroup<{ orderId: string }>('orders', 'kitchen', 'station-1', { count: 1 });
 * // ...bake...
 * await repo.xack('orders', 'kitchen', entry.id);
 * ```
 */
export interface StreamCommands {
  /** Appends an entry (`XADD`), optionally capping the stream; returns its ID (`null` with `noMkStream` on a missing stream). */
  xadd(key: string, fields: EntriesInput, options?: XAddOptions): Promise<string | null>;
  /** Number of entries (0 when missing). */
  xlen(key: string): Promise<number>;
  /** Entries with IDs from `start` to `end`, inclusive (`'-'`/`'+'` for the ends). */
  xrange<T = Record<string, unknown>>(
    key: string,
    start?: string,
    end?: string,
    options?: XRangeOptions,
  ): Promise<StreamEntry<T>[]>;
  /** Entries with IDs from `end` down to `start`, newest first (`xrevrange(key, '+', '-', { count: 1 })`: the last). */
  xrevrange<T = Record<string, unknown>>(
    key: string,
    end?: string,
    start?: string,
    options?: XRangeOptions,
  ): Promise<StreamEntry<T>[]>;
  /** Deletes entries by ID; returns how many existed. */
  xdel(key: string, ...ids: string[]): Promise<number>;
  /** Caps the stream (`XTRIM MAXLEN|MINID`); returns how many entries were removed. */
  xtrim(key: string, options: StreamTrimOptions): Promise<number>;
  /** Entries after `id` (`'0'` for all, `'$'` for only new ones when blocking). Empty when there are none. */
  xread<T = Record<string, unknown>>(
    key: string,
    id: string,
    options?: XReadOptions,
  ): Promise<StreamEntry<T>[]>;
  /**
   * Several streams in one `XREAD`: `streams` maps each key to the ID to read after (as for one
   * stream). Resolves with every key of `streams`, each with its entries (empty when none); with
   * `block`, as soon as any stream has entries. `count` applies per stream. On Cluster the keys
   * must share a hash slot (use a hash tag: `{orders}:new`, `{orders}:urgent`), else
   * `CrossSlotError` before anything is sent.
   *
   * ```ts
   * const { '{orders}:urgent': urgent, '{orders}:new': fresh } = await repo.xread({
   *   '{orders}:urgent': '0',
   *   '{orders}:new': '0',
   * });
   * ```
   */
  xread<T = Record<string, unknown>>(
    streams: Readonly<Record<string, string>>,
    options?: XReadOptions,
  ): Promise<Record<string, StreamEntry<T>[]>>;
  /**
   * Creates a consumer group reading from `id` (`'$'`: only new entries, `'0'`: the whole
   * stream). Returns `false` when the group already exists (Redis' `BUSYGROUP`), so every process
   * can call it at start-up.
   */
  xgroupCreate(key: string, group: string, id?: string, options?: XGroupCreateOptions): Promise<boolean>;
  /**
   * Reads as `consumer` of `group` (`XREADGROUP`): new entries are delivered to one consumer only
   * and stay pending until acknowledged with {@link xack}. Throws `CommandError` (`NOGROUP`) when
   * the group does not exist.
   */
  xreadgroup<T = Record<string, unknown>>(
    key: string,
    group: string,
    consumer: string,
    options?: XReadGroupOptions,
  ): Promise<StreamEntry<T>[]>;
  /** Acknowledges entries (removes them from the pending list); returns how many were pending. */
  xack(key: string, group: string, ...ids: string[]): Promise<number>;
  /** The group's pending entries in summary. */
  xpending(key: string, group: string): Promise<PendingSummary>;
  /** The group's pending entries one by one (the extended form). */
  xpending(key: string, group: string, options: XPendingOptions): Promise<PendingEntry[]>;
  /**
   * Transfers to `consumer` the pending entries idle at least `minIdle` (`XAUTOCLAIM`): how a
   * reaper takes over the work of a consumer that died.
   */
  xautoclaim<T = Record<string, unknown>>(
    key: string,
    group: string,
    consumer: string,
    minIdle: Duration,
    options?: XAutoClaimOptions,
  ): Promise<AutoClaimResult<T>>;
}
