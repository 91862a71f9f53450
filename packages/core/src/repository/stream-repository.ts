import { type Duration, parseDuration } from '../duration.js';
import { InvalidArgumentError, toSerializationError } from '../errors.js';
import {
  assertIntegerAtLeast,
  assertNonEmptyString,
  assertNotEmpty,
  assertOptions,
  assertWellFormed,
  recordFromPairs,
} from '../validation.js';
import type { EntriesInput } from './key-value-commands.js';
import type { RawValue } from './raw-commands.js';
import type { RawStreamCommands, RawStreamEntry, RawStreamTrim } from './raw-stream-commands.js';
import type {
  AutoClaimResult,
  BlockOptions,
  PendingEntry,
  PendingSummary,
  StreamCommands,
  StreamEntry,
  StreamTrimOptions,
  XAddOptions,
  XAutoClaimOptions,
  XGroupCreateOptions,
  XPendingOptions,
  XRangeOptions,
  XReadGroupOptions,
  XReadOptions,
} from './stream-commands.js';

/** What the stream commands borrow from the repository: its key prefix and its serializer. */
export interface StreamCodec {
  /** Validates a key and prefixes it. */
  key(key: string): string;
  /** Validates and serializes field/value pairs (field names as they are). */
  fields(fields: EntriesInput, key: string): Array<readonly [string, RawValue]>;
  /** Deserializes one stored value. */
  decode(value: RawValue, key: string): unknown;
}

/** A concrete ID: `ms` or `ms-seq`. */
const ID = /^\d{1,20}(-\d{1,20})?$/;
/** What `XADD` takes: a concrete ID, `ms-*`, or `*`. */
const ADD_ID = /^(\*|\d{1,20}(-(\d{1,20}|\*))?)$/;
/** A range bound: `-`, `+`, or an ID, exclusive with a leading `(`. */
const RANGE_BOUND = /^([-+]|\(?\d{1,20}(-\d{1,20})?)$/;
const TRIM_OPTIONS = { maxLen: 'number', minId: 'string', approximate: 'boolean' } as const;
const BLOCK_OPTIONS = { block: 'duration', signal: 'any' } as const;
/** First pause between the polls of a blocking read; doubles up to {@link MAX_POLL_MS}. */
const MIN_POLL_MS = 5;
const MAX_POLL_MS = 100;

/**
 * The stream commands over a {@link RawStreamCommands} backend: validation, key prefixes,
 * serialization of field values, typed results, and blocking reads as client-side polling (see
 * `BlockOptions` for why). `BaseCacheRepository` delegates its `x*` methods here.
 */
export class StreamRepository implements StreamCommands {
  readonly #raw: RawStreamCommands;
  readonly #codec: StreamCodec;

  constructor(raw: RawStreamCommands, codec: StreamCodec) {
    this.#raw = raw;
    this.#codec = codec;
  }

  async xadd(key: string, fields: EntriesInput, options?: XAddOptions): Promise<string | null> {
    const fullKey = this.#codec.key(key);
    assertOptions(options, { ...TRIM_OPTIONS, id: 'string', noMkStream: 'boolean' });
    const id = options?.id ?? '*';
    assertId(id, ADD_ID, 'options.id');
    const trim =
      options?.maxLen !== undefined || options?.minId !== undefined
        ? trimOf(trimOptionsOf(options))
        : undefined;
    const pairs = this.#codec.fields(fields, key);
    assertNotEmpty(pairs, 'fields');
    return this.#raw.xadd(fullKey, id, pairs, trim, options?.noMkStream === true);
  }

  async xlen(key: string): Promise<number> {
    return this.#raw.xlen(this.#codec.key(key));
  }

  async xrange<T = Record<string, unknown>>(
    key: string,
    start = '-',
    end = '+',
    options?: XRangeOptions,
  ): Promise<StreamEntry<T>[]> {
    return this.#range<T>(key, start, end, options, false);
  }

  async xrevrange<T = Record<string, unknown>>(
    key: string,
    end = '+',
    start = '-',
    options?: XRangeOptions,
  ): Promise<StreamEntry<T>[]> {
    return this.#range<T>(key, start, end, options, true);
  }

  async xdel(key: string, ...ids: string[]): Promise<number> {
    const fullKey = this.#codec.key(key);
    return this.#raw.xdel(fullKey, assertIds(ids));
  }

  async xtrim(key: string, options: StreamTrimOptions): Promise<number> {
    const fullKey = this.#codec.key(key);
    if (options === undefined) throw new InvalidArgumentError('options', 'expected { maxLen } or { minId }');
    return this.#raw.xtrim(fullKey, trimOf(options));
  }

  xread<T = Record<string, unknown>>(
    key: string,
    id: string,
    options?: XReadOptions,
  ): Promise<StreamEntry<T>[]>;
  xread<T = Record<string, unknown>>(
    streams: Readonly<Record<string, string>>,
    options?: XReadOptions,
  ): Promise<Record<string, StreamEntry<T>[]>>;
  async xread<T = Record<string, unknown>>(
    keyOrStreams: string | Readonly<Record<string, string>>,
    idOrOptions?: string | XReadOptions,
    options?: XReadOptions,
  ): Promise<StreamEntry<T>[] | Record<string, StreamEntry<T>[]>> {
    if (typeof keyOrStreams === 'string') {
      const read = await this.#read<T>([[keyOrStreams, idOrOptions as string]], options, 'id');
      return read[keyOrStreams] ?? [];
    }
    if (typeof keyOrStreams !== 'object' || keyOrStreams === null || Array.isArray(keyOrStreams)) {
      throw new InvalidArgumentError('streams', 'expected a key or an object of { key: id }');
    }
    const streams = Object.entries(keyOrStreams);
    assertNotEmpty(streams, 'streams');
    return this.#read<T>(streams, idOrOptions as XReadOptions | undefined, 'streams');
  }

  async xgroupCreate(key: string, group: string, id = '$', options?: XGroupCreateOptions): Promise<boolean> {
    const fullKey = this.#codec.key(key);
    assertName(group, 'group');
    if (id !== '$') assertId(id, ID, 'id');
    assertOptions(options, { mkStream: 'boolean' });
    return this.#raw.xgroupCreate(fullKey, group, id, options?.mkStream === true);
  }

  async xreadgroup<T = Record<string, unknown>>(
    key: string,
    group: string,
    consumer: string,
    options?: XReadGroupOptions,
  ): Promise<StreamEntry<T>[]> {
    const fullKey = this.#codec.key(key);
    assertName(group, 'group');
    assertName(consumer, 'consumer');
    assertOptions(options, { ...BLOCK_OPTIONS, count: 'number', id: 'string', noAck: 'boolean' });
    const id = options?.id ?? '>';
    if (id !== '>') assertId(id, ID, 'options.id');
    const count = countOf(options?.count);
    const noAck = options?.noAck === true;
    // Only new entries can arrive later: a read of the consumer's own history never waits.
    const wait = id === '>' ? waitOf(options) : { ms: 0, signal: undefined };
    const entries = await poll(wait, () => this.#raw.xreadgroup(fullKey, group, consumer, id, count, noAck));
    return this.#entries<T>(entries, key);
  }

  async xack(key: string, group: string, ...ids: string[]): Promise<number> {
    const fullKey = this.#codec.key(key);
    assertName(group, 'group');
    return this.#raw.xack(fullKey, group, assertIds(ids));
  }

  xpending(key: string, group: string): Promise<PendingSummary>;
  xpending(key: string, group: string, options: XPendingOptions): Promise<PendingEntry[]>;
  async xpending(
    key: string,
    group: string,
    options?: XPendingOptions,
  ): Promise<PendingSummary | PendingEntry[]> {
    const fullKey = this.#codec.key(key);
    assertName(group, 'group');
    if (options === undefined) return this.#raw.xpendingSummary(fullKey, group);
    assertOptions(options, {
      start: 'string',
      end: 'string',
      count: 'number',
      consumer: 'string',
      minIdle: 'duration',
    });
    const start = options.start ?? '-';
    const end = options.end ?? '+';
    assertId(start, RANGE_BOUND, 'options.start');
    assertId(end, RANGE_BOUND, 'options.end');
    assertIntegerAtLeast(options.count, 1, 'options.count');
    if (options.consumer !== undefined) assertName(options.consumer, 'options.consumer');
    const minIdle = options.minIdle === undefined ? undefined : idleOf(options.minIdle, 'options.minIdle');
    return this.#raw.xpending(fullKey, group, start, end, options.count, options.consumer, minIdle);
  }

  async xautoclaim<T = Record<string, unknown>>(
    key: string,
    group: string,
    consumer: string,
    minIdle: Duration,
    options?: XAutoClaimOptions,
  ): Promise<AutoClaimResult<T>> {
    const fullKey = this.#codec.key(key);
    assertName(group, 'group');
    assertName(consumer, 'consumer');
    const minIdleMs = idleOf(minIdle, 'minIdle');
    assertOptions(options, { start: 'string', count: 'number' });
    const start = options?.start ?? '0-0';
    assertId(start, ID, 'options.start');
    const count = options?.count ?? 100;
    assertIntegerAtLeast(count, 1, 'options.count');
    const claimed = await this.#raw.xautoclaim(fullKey, group, consumer, minIdleMs, start, count);
    return { next: claimed.next, entries: this.#entries<T>(claimed.entries, key), deleted: claimed.deleted };
  }

  async #range<T>(
    key: string,
    start: string,
    end: string,
    options: XRangeOptions | undefined,
    rev: boolean,
  ): Promise<StreamEntry<T>[]> {
    const fullKey = this.#codec.key(key);
    assertId(start, RANGE_BOUND, 'start');
    assertId(end, RANGE_BOUND, 'end');
    assertOptions(options, { count: 'number' });
    const entries = await this.#raw.xrange(fullKey, start, end, countOf(options?.count), rev);
    return this.#entries<T>(entries, key);
  }

  /** `XREAD` of `[key, id]` pairs: every key with its entries (empty when none), polling while `block` allows. */
  async #read<T>(
    streams: ReadonlyArray<readonly [string, string]>,
    options: XReadOptions | undefined,
    argument: string,
  ): Promise<Record<string, StreamEntry<T>[]>> {
    const keys = new Map<string, string>();
    for (const [key, id] of streams) {
      keys.set(this.#codec.key(key), key);
      if (id !== '$') assertId(id, ID, argument === 'id' ? 'id' : `streams[${JSON.stringify(key)}]`);
    }
    assertOptions(options, { ...BLOCK_OPTIONS, count: 'number' });
    const count = countOf(options?.count);
    const wait = waitOf(options);
    // `$` means "after the last entry now"; it is resolved once, so polls do not move it.
    const after = await Promise.all(
      [...keys.keys()].map(async (fullKey, i) => {
        const id = streams[i]![1];
        return [fullKey, id === '$' ? await this.#lastId(fullKey) : id] as const;
      }),
    );
    const read = new Map(await poll(wait, () => this.#raw.xread(after, count)));
    return Object.fromEntries(
      [...keys].map(([fullKey, key]) => [key, this.#entries<T>(read.get(fullKey) ?? [], key)]),
    );
  }

  /** The ID of the last entry now, or `0-0` for an empty or missing stream. */
  async #lastId(fullKey: string): Promise<string> {
    const [last] = await this.#raw.xrange(fullKey, '-', '+', 1, true);
    return last === undefined ? '0-0' : last[0];
  }

  #entries<T>(entries: readonly RawStreamEntry[], key: string): StreamEntry<T>[] {
    return entries.map(([id, fields]) => ({
      id,
      fields: (fields === null ? null : this.#record(fields, key)) as T,
    }));
  }

  #record(fields: ReadonlyArray<readonly [string, RawValue]>, key: string): Record<string, unknown> {
    try {
      return recordFromPairs(fields.map(([name, value]) => [name, this.#codec.decode(value, key)] as const));
    } catch (error) {
      throw toSerializationError(error, 'cannot read stream entry', key);
    }
  }
}

interface Wait {
  readonly ms: number;
  readonly signal: AbortSignal | undefined;
}

/**
 * Reads once; when nothing came and the caller may wait, polls again with growing pauses
 * (5 ms doubling to 100 ms) until entries arrive, the wait is over or the signal aborts.
 */
async function poll<E>(wait: Wait, read: () => Promise<E[]>): Promise<E[]> {
  const entries = await read();
  if (entries.length > 0 || wait.ms <= 0) return entries;
  const deadline = performance.now() + wait.ms;
  let pause = MIN_POLL_MS;
  for (;;) {
    const remaining = deadline - performance.now();
    if (remaining <= 0 || wait.signal?.aborted) return [];
    await sleep(Math.min(pause, remaining), wait.signal);
    if (wait.signal?.aborted) return [];
    const next = await read();
    if (next.length > 0) return next;
    pause = Math.min(pause * 2, MAX_POLL_MS);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function waitOf(options: BlockOptions | undefined): Wait {
  const signal = options?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidArgumentError('options.signal', 'expected an AbortSignal');
  }
  const ms = options?.block === undefined ? 0 : parseDuration(options.block, 'options.block');
  return { ms, signal };
}

function idleOf(duration: Duration, argument: string): number {
  return Math.floor(parseDuration(duration, argument));
}

/** The trimming options of `xadd`'s options. */
function trimOptionsOf({ id: _id, noMkStream: _noMkStream, ...trim }: XAddOptions): StreamTrimOptions {
  return trim;
}

function countOf(count: number | undefined): number | undefined {
  if (count !== undefined) assertIntegerAtLeast(count, 1, 'options.count');
  return count;
}

function trimOf(options: StreamTrimOptions): RawStreamTrim {
  assertOptions(options, TRIM_OPTIONS, 'options');
  const { maxLen, minId } = options;
  if ((maxLen === undefined) === (minId === undefined)) {
    throw new InvalidArgumentError('options', 'expected exactly one of maxLen and minId');
  }
  const approximate = options.approximate === true;
  if (maxLen !== undefined) {
    assertIntegerAtLeast(maxLen, 0, 'options.maxLen');
    return { strategy: 'MAXLEN', threshold: String(maxLen), approximate };
  }
  assertId(minId as string, ID, 'options.minId');
  return { strategy: 'MINID', threshold: minId as string, approximate };
}

function assertName(name: unknown, argument: string): asserts name is string {
  assertNonEmptyString(name, argument);
  assertWellFormed(name, argument);
}

function assertId(id: unknown, pattern: RegExp, argument: string): asserts id is string {
  if (typeof id !== 'string' || !pattern.test(id)) {
    throw new InvalidArgumentError(
      argument,
      `expected a stream ID such as '1700000000000-0', got ${String(id)}`,
    );
  }
}

function assertIds(ids: readonly string[]): readonly string[] {
  assertNotEmpty(ids, 'ids');
  for (const id of ids) assertId(id, ID, 'ids[]');
  return ids;
}
