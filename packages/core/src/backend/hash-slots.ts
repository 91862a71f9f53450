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
