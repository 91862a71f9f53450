import { CacheError } from '../errors.js';
import type { RawValue } from '../repository/raw-commands.js';
import type {
  RawAutoClaim,
  RawStreamEntry,
  RawStreamRead,
  RawStreamTrim,
} from '../repository/raw-stream-commands.js';
import type { PendingEntry, PendingSummary } from '../repository/stream-commands.js';

/**
 * Decoding of stream replies, shared by both Redis drivers: whatever the protocol (RESP2 arrays,
 * RESP3 maps as `Map` or plain objects) and whatever the value mode (strings, or Buffers under a
 * binary serializer, where IDs and field names arrive as Buffers too).
 */

/** An ID, field name or consumer name as text. */
export function toText(reply: unknown): string {
  if (typeof reply === 'string') return reply;
  if (reply instanceof Uint8Array)
    return Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength).toString();
  return String(reply);
}

/** `[id, [field, value, ...]]` entries (`XRANGE`, and the entries of `XREAD`/`XAUTOCLAIM`). */
export function toStreamEntries(reply: unknown): RawStreamEntry[] {
  if (reply === null || reply === undefined) return [];
  return (reply as ReadonlyArray<unknown>).map((item) => {
    const [id, fields] = item as readonly [unknown, unknown];
    return [toText(id), fields === null || fields === undefined ? null : fieldPairs(fields)] as const;
  });
}

/**
 * The streams of an `XREAD`/`XREADGROUP` reply with their entries: `[[key, entries], ...]` (RESP2),
 * `[key, entries, ...]` (a RESP3 map that ioredis flattened), `{ key: entries }`, a `Map`, or null.
 */
export function toStreamReads(reply: unknown): RawStreamRead[] {
  return pairsOf(reply).map(([key, entries]) => [toText(key), toStreamEntries(entries)] as const);
}

/** The entries of a one-stream `XREADGROUP` reply (none when it is null). */
export function toStreamReadEntries(reply: unknown): RawStreamEntry[] {
  return toStreamReads(reply)[0]?.[1] ?? [];
}

/** `XPENDING key group`: `[count, min, max, [[consumer, count], ...]]`. */
export function toPendingSummary(reply: unknown): PendingSummary {
  const [count, minId, maxId, consumers] = reply as readonly [unknown, unknown, unknown, unknown];
  return {
    count: Number(count),
    minId: minId === null || minId === undefined ? null : toText(minId),
    maxId: maxId === null || maxId === undefined ? null : toText(maxId),
    consumers: pairsOf(consumers).map(([name, pending]) => ({
      name: toText(name),
      pending: Number(pending),
    })),
  };
}

/** Extended `XPENDING`: `[[id, consumer, idle, deliveries], ...]`. */
export function toPendingEntries(reply: unknown): PendingEntry[] {
  return ((reply ?? []) as ReadonlyArray<readonly [unknown, unknown, unknown, unknown]>).map(
    ([id, consumer, idle, deliveries]) => ({
      id: toText(id),
      consumer: toText(consumer),
      idleMs: Number(idle),
      deliveries: Number(deliveries),
    }),
  );
}

/** `XAUTOCLAIM` (Redis 7): `[next, entries, deleted]`. */
export function toAutoClaim(reply: unknown): RawAutoClaim {
  const [next, entries, deleted] = reply as readonly [unknown, unknown, unknown];
  return {
    next: toText(next),
    entries: toStreamEntries(entries),
    deleted: ((deleted ?? []) as ReadonlyArray<unknown>).map(toText),
  };
}

/** The arguments of a trimming clause: `MAXLEN ~ 1000`, `MINID 5-0`. */
export function trimArguments(trim: RawStreamTrim): string[] {
  return trim.approximate ? [trim.strategy, '~', trim.threshold] : [trim.strategy, trim.threshold];
}

/** `XGROUP CREATE` answered `BUSYGROUP` (the group exists): `false`; any other error is rethrown. */
export function falseOnBusyGroup(error: unknown): false {
  if (CacheError.is(error) && error.message.includes('BUSYGROUP')) return false;
  throw error;
}

function fieldPairs(fields: unknown): Array<readonly [string, RawValue]> {
  return pairsOf(fields).map(([name, value]) => [toText(name), value as RawValue] as const);
}

/** Pairs from a flat array (`[a, 1, b, 2]`), nested pairs, a `Map` or an object. */
function pairsOf(reply: unknown): Array<readonly [unknown, unknown]> {
  if (reply === null || reply === undefined) return [];
  if (reply instanceof Map) return [...reply.entries()];
  if (!Array.isArray(reply)) return Object.entries(reply as object);
  if (reply.length > 0 && Array.isArray(reply[0])) return reply as Array<readonly [unknown, unknown]>;
  const out: Array<readonly [unknown, unknown]> = [];
  for (let i = 0; i < reply.length; i += 2) out.push([reply[i], reply[i + 1]]);
  return out;
}
