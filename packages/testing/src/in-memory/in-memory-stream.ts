import { CommandError } from '@forno/core';

/** A stream ID: milliseconds and sequence number, both unsigned 64-bit. */
export interface StreamId {
  readonly ms: bigint;
  readonly seq: bigint;
}

/** One entry as the fake stores it: field/value pairs as byte strings. */
export interface StoredStreamEntry {
  readonly id: StreamId;
  readonly key: string;
  readonly fields: ReadonlyArray<readonly [string, string]>;
}

/** A pending entry of a consumer group (an entry of its PEL). */
export interface PendingDelivery {
  readonly id: StreamId;
  consumer: string;
  /** When it was last delivered, by the store's clock. */
  deliveredAt: number;
  deliveries: number;
}

/** A consumer group: where it has read up to, and what it delivered without an acknowledgement. */
export interface ConsumerGroup {
  lastDelivered: StreamId;
  /** Pending entries by ID text, kept in ID order by {@link sortedPending}. */
  readonly pending: Map<string, PendingDelivery>;
  /** Consumers known to the group (created on their first read or claim). */
  readonly consumers: Set<string>;
}

const MAX_U64 = 2n ** 64n - 1n;
/** Entries per macro node (Redis' `stream-node-max-entries`): what `~` trimming removes at a time. */
export const NODE_ENTRIES = 100;

/** `ms-seq` text of an ID. */
export function idText(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** Orders two IDs: negative, zero or positive. */
export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  return a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1;
}

/**
 * Parses an ID as Redis does: `ms` alone is `ms-0` (or `ms-<max>` as the upper end of a range);
 * `-`/`+` are the smallest and largest IDs; a leading `(` (ranges only) makes it exclusive, which
 * is returned as the next (or previous) ID.
 */
export function parseId(text: string, missingSeq: 'low' | 'high' = 'low'): StreamId {
  if (text === '-') return { ms: 0n, seq: 0n };
  if (text === '+') return { ms: MAX_U64, seq: MAX_U64 };
  const exclusive = text.startsWith('(');
  const body = exclusive ? text.slice(1) : text;
  const [ms, seq] = body.split('-');
  const id: StreamId = {
    ms: BigInt(ms!),
    seq: seq === undefined ? (missingSeq === 'low' ? 0n : MAX_U64) : BigInt(seq),
  };
  if (!exclusive) return id;
  return missingSeq === 'low' ? nextId(id) : previousId(id);
}

function nextId(id: StreamId): StreamId {
  if (id.seq < MAX_U64) return { ms: id.ms, seq: id.seq + 1n };
  if (id.ms < MAX_U64) return { ms: id.ms + 1n, seq: 0n };
  throw new CommandError('ERR invalid start ID for the interval');
}

function previousId(id: StreamId): StreamId {
  if (id.seq > 0n) return { ms: id.ms, seq: id.seq - 1n };
  if (id.ms > 0n) return { ms: id.ms - 1n, seq: MAX_U64 };
  throw new CommandError('ERR invalid end ID for the interval');
}

/**
 * A stream of the fake, with Redis semantics: entries in ID order, the last generated ID (kept
 * when entries are deleted, so IDs never go back), and consumer groups with their pending lists.
 * An emptied stream stays (Redis does not delete it).
 */
export class InMemoryStream {
  /** Entries in ID order. */
  entries: StoredStreamEntry[] = [];
  /** The last ID generated or added. */
  lastId: StreamId = { ms: 0n, seq: 0n };
  readonly groups = new Map<string, ConsumerGroup>();

  /** Number of entries. */
  get size(): number {
    return this.entries.length;
  }

  /** The ID `XADD` would give `requested` (`*`, `ms-*` or explicit) at time `now`, or a Redis error. */
  nextId(requested: string, now: number): StreamId {
    const last = this.lastId;
    let id: StreamId;
    if (requested === '*') {
      const ms = BigInt(now) > last.ms ? BigInt(now) : last.ms;
      id = ms === last.ms ? nextId(last) : { ms, seq: 0n };
    } else if (requested.endsWith('-*')) {
      const ms = BigInt(requested.slice(0, -2));
      id = ms === last.ms ? { ms, seq: last.seq + 1n } : { ms, seq: 0n };
    } else {
      id = parseId(requested);
    }
    if (id.ms === 0n && id.seq === 0n) {
      throw new CommandError('ERR The ID specified in XADD must be greater than 0-0');
    }
    if (compareIds(id, last) <= 0) {
      throw new CommandError(
        'ERR The ID specified in XADD is equal or smaller than the target stream top item',
      );
    }
    return id;
  }

  /** Appends an entry with an ID from {@link nextId}. */
  append(id: StreamId, fields: ReadonlyArray<readonly [string, string]>): void {
    this.entries.push({ id, key: idText(id), fields });
    this.lastId = id;
  }

  /** Index of the first entry with an ID at least `id`. */
  indexFrom(id: StreamId): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareIds(this.entries[middle]!.id, id) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The entry with exactly this ID, if it exists. */
  find(id: StreamId): StoredStreamEntry | undefined {
    const entry = this.entries[this.indexFrom(id)];
    return entry !== undefined && compareIds(entry.id, id) === 0 ? entry : undefined;
  }

  /** Entries with `start <= id <= end`, in ID order. */
  range(start: StreamId, end: StreamId): StoredStreamEntry[] {
    const out: StoredStreamEntry[] = [];
    for (let i = this.indexFrom(start); i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      if (compareIds(entry.id, end) > 0) break;
      out.push(entry);
    }
    return out;
  }

  /** Removes the `count` oldest entries. */
  dropOldest(count: number): number {
    const removed = Math.max(0, Math.min(count, this.entries.length));
    this.entries.splice(0, removed);
    return removed;
  }

  /** Approximate bytes, for the store's memory estimate. */
  estimateBytes(): number {
    let bytes = 0;
    for (const entry of this.entries) {
      bytes += 16;
      for (const [name, value] of entry.fields) bytes += name.length + value.length;
    }
    for (const group of this.groups.values()) bytes += 64 + group.pending.size * 32;
    return bytes;
  }
}

/** A group's pending entries in ID order. */
export function sortedPending(group: ConsumerGroup): PendingDelivery[] {
  return [...group.pending.values()].sort((a, b) => compareIds(a.id, b.id));
}
