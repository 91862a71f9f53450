import type { RawValue } from './raw-commands.js';
import type { PendingEntry, PendingSummary } from './stream-commands.js';

/** A stream entry as stored: its ID and its field/value pairs (`null` for a deleted entry still pending). */
export type RawStreamEntry = readonly [id: string, fields: ReadonlyArray<readonly [string, RawValue]> | null];

/** One stream of an `XREAD` reply: its key and the entries read from it. */
export type RawStreamRead = readonly [key: string, entries: RawStreamEntry[]];

/** A validated trimming clause: `MAXLEN|MINID [~] threshold`. */
export interface RawStreamTrim {
  readonly strategy: 'MAXLEN' | 'MINID';
  readonly threshold: string;
  readonly approximate: boolean;
}

/** The reply of `XAUTOCLAIM` (Redis 7: with the IDs it dropped because they were deleted). */
export interface RawAutoClaim {
  readonly next: string;
  readonly entries: RawStreamEntry[];
  readonly deleted: string[];
}

/**
 * Streams and consumer groups (one stream per call). IDs are passed and returned as Redis spells
 * them; `count` is `undefined` for "no `COUNT`". Blocking is not the backend's business: reads
 * never send `BLOCK` (the repository polls, see `BlockOptions`).
 */
export interface RawStreamCommands {
  /** `XADD key [NOMKSTREAM] [trim] id field value...`; `null` when `NOMKSTREAM` met a missing stream. */
  xadd(
    key: string,
    id: string,
    fields: ReadonlyArray<readonly [string, RawValue]>,
    trim: RawStreamTrim | undefined,
    noMkStream: boolean,
  ): Promise<string | null>;
  xlen(key: string): Promise<number>;
  /** `XRANGE key start end [COUNT n]`, or `XREVRANGE key end start [COUNT n]` when `rev`. */
  xrange(
    key: string,
    start: string,
    end: string,
    count: number | undefined,
    rev: boolean,
  ): Promise<RawStreamEntry[]>;
  xdel(key: string, ids: readonly string[]): Promise<number>;
  xtrim(key: string, trim: RawStreamTrim): Promise<number>;
  /**
   * `XREAD [COUNT n] STREAMS key... id...`, never blocking: the streams that have entries after
   * their ID, with those entries. On Cluster, throws `CrossSlotError` when the keys span slots.
   */
  xread(
    streams: ReadonlyArray<readonly [key: string, id: string]>,
    count: number | undefined,
  ): Promise<RawStreamRead[]>;
  /** `XGROUP CREATE`; `false` when the group exists (`BUSYGROUP`). */
  xgroupCreate(key: string, group: string, id: string, mkStream: boolean): Promise<boolean>;
  /** `XREADGROUP GROUP g c [COUNT n] [NOACK] STREAMS key id`, never blocking. */
  xreadgroup(
    key: string,
    group: string,
    consumer: string,
    id: string,
    count: number | undefined,
    noAck: boolean,
  ): Promise<RawStreamEntry[]>;
  xack(key: string, group: string, ids: readonly string[]): Promise<number>;
  xpendingSummary(key: string, group: string): Promise<PendingSummary>;
  xpending(
    key: string,
    group: string,
    start: string,
    end: string,
    count: number,
    consumer: string | undefined,
    minIdleMs: number | undefined,
  ): Promise<PendingEntry[]>;
  /** `XAUTOCLAIM key group consumer min-idle start COUNT n`. */
  xautoclaim(
    key: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    start: string,
    count: number,
  ): Promise<RawAutoClaim>;
}
