import { CrossSlotError } from '../errors.js';
import { hashSlotOf } from '../keys.js';

/** Keys of one Cluster hash slot, with their positions in the caller's list. */
export interface SlotGroup<K extends string | Uint8Array = string> {
  readonly keys: K[];
  readonly positions: number[];
}

/**
 * Groups keys by Cluster hash slot, so a multi-key command can be split into one per slot (both
 * drivers split `mget`, `mset`, `unlink` and set algebra this way on Cluster). A key
 * may be given as its bytes (a key that is not valid UTF-8, as `scan` yields it).
 */
export function groupBySlot<K extends string | Uint8Array>(keys: readonly K[]): SlotGroup<K>[] {
  const groups = new Map<number, SlotGroup<K>>();
  keys.forEach((key, position) => {
    const slot = hashSlotOf(key);
    let group = groups.get(slot);
    if (group === undefined) {
      group = { keys: [], positions: [] };
      groups.set(slot, group);
    }
    group.keys.push(key);
    group.positions.push(position);
  });
  return [...groups.values()];
}

/** Whether every key lives in the same hash slot. */
export function sameSlot(keys: readonly string[]): boolean {
  if (keys.length === 0) return true;
  const slot = hashSlotOf(keys[0]!);
  return keys.every((key) => hashSlotOf(key) === slot);
}

/** Throws a `CrossSlotError` telling the user to use a hash tag, unless all keys share a slot. */
export function assertSameSlot(command: string, keys: readonly string[]): void {
  if (sameSlot(keys)) return;
  throw new CrossSlotError(
    `${command} on Redis Cluster needs all its keys in one hash slot, got ${keys.map((k) => JSON.stringify(k)).join(', ')}. ` +
      "Put the same hash tag in every key name, e.g. '{segments}:vip' and '{segments}:campaign:42'.",
  );
}

/**
 * How many of the commands a split multi-key operation sends are in flight at once. Each command
 * has its own `commandTimeout` deadline from the moment it is issued; issuing thousands at once
 * (a 20k-key `mset` on Cluster is one command per hash slot) would make the last ones wait in the
 * client's queues past their deadline while Redis is healthy.
 */
const SPLIT_COMMANDS_IN_FLIGHT = 256;

/** Runs `send` for each item (a slot group, a key), at most 256 at a time; results in item order. */
export async function inFlightLimited<T, R>(
  items: readonly T[],
  send: (item: T) => Promise<R>,
): Promise<R[]> {
  if (items.length <= SPLIT_COMMANDS_IN_FLIGHT) return Promise.all(items.map(send));
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await send(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: SPLIT_COMMANDS_IN_FLIGHT }, worker));
  return results;
}

/** A set-algebra command that a Cluster driver may compute client-side. */
export type SetOperation = 'sinter' | 'sunion' | 'sdiff';

/**
 * SINTER, SUNION or SDIFF computed from each set's members, compared as bytes, in first-seen
 * order: what a Cluster driver returns for sets in different hash slots, which no single node
 * can combine.
 */
export function combineSets<M extends Uint8Array>(
  operation: SetOperation,
  sets: ReadonlyArray<readonly M[]>,
): M[] {
  const asSets = sets.map(
    (members) =>
      new Map(
        members.map(
          (m) => [Buffer.from(m.buffer, m.byteOffset, m.byteLength).toString('latin1'), m] as const,
        ),
      ),
  );
  const [first = new Map<string, M>(), ...rest] = asSets;
  const result =
    operation === 'sunion'
      ? new Map(asSets.flatMap((set) => [...set]))
      : new Map(
          [...first].filter(([id]) =>
            operation === 'sinter' ? rest.every((set) => set.has(id)) : !rest.some((set) => set.has(id)),
          ),
        );
  return [...result.values()];
}

/**
 * MGET over keys of any hash slots: one MGET per slot (`send` gets each slot's keys), at most 256
 * in flight, the replies put back in the order of `keys`. Both drivers' Cluster `mget`.
 */
export async function mgetBySlot<V>(
  keys: readonly string[],
  send: (group: readonly string[]) => Promise<ReadonlyArray<V | null>>,
): Promise<Array<V | null>> {
  const out = new Array<V | null>(keys.length).fill(null);
  await inFlightLimited(groupBySlot(keys), async ({ keys: group, positions }) => {
    const replies = await send(group);
    replies.forEach((reply, i) => {
      out[positions[i]!] = reply;
    });
  });
  return out;
}
