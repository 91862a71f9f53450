import { CommandError } from '@forno/core';
import type { RawStreamCommands, RawStreamEntry, RawStreamRead, RawStreamTrim } from '@forno/core/backend';
import { toByteString } from '../byte-codec.js';
import type { InMemoryContext } from '../in-memory-context.js';
import {
  type ConsumerGroup,
  compareIds,
  InMemoryStream,
  idText,
  NODE_ENTRIES,
  parseId,
  type StoredStreamEntry,
  sortedPending,
} from '../in-memory-stream.js';

const newStream = (): InMemoryStream => new InMemoryStream();

/**
 * Streams and consumer groups with Redis semantics: IDs from the store's clock, pending entries
 * lists with delivery counts and idle times (by the injected clock, so a test can age a delivery
 * without sleeping), `XAUTOCLAIM` as Redis 7 runs it, and `~` trimming by whole 100-entry nodes.
 */
export function streamCommands(ctx: InMemoryContext): RawStreamCommands {
  const now = () => ctx.store().clock.now();

  function reply(entries: readonly StoredStreamEntry[]): RawStreamEntry[] {
    return entries.map((entry) => [entry.key, entry.fields.map(([f, v]) => [f, ctx.reply(v)] as const)]);
  }

  function groupOf(
    key: string,
    group: string,
    command: string,
  ): { stream: InMemoryStream; group: ConsumerGroup } {
    const stream = ctx.store().read(key, 'stream')?.value;
    const found = stream?.groups.get(group);
    if (stream === undefined || found === undefined) {
      throw new CommandError(`NOGROUP No such key '${key}' or consumer group '${group}'${command}`);
    }
    return { stream, group: found };
  }

  function trim(stream: InMemoryStream, { strategy, threshold, approximate }: RawStreamTrim): number {
    const excess =
      strategy === 'MAXLEN' ? stream.size - Number(threshold) : stream.indexFrom(parseId(threshold));
    // With `~`, Redis only drops whole macro nodes (100 entries each).
    const count = approximate ? Math.floor(excess / NODE_ENTRIES) * NODE_ENTRIES : excess;
    return stream.dropOldest(count);
  }

  return {
    async xadd(key, id, fields, trimming, noMkStream) {
      const store = ctx.store();
      if (noMkStream && store.read(key, 'stream') === undefined) return null;
      const stream = store.readOrCreate(key, 'stream', newStream).value;
      const next = stream.nextId(id, now());
      stream.append(
        next,
        fields.map(([f, v]) => [f, toByteString(v)] as const),
      );
      if (trimming !== undefined) trim(stream, trimming);
      return idText(next);
    },

    async xlen(key) {
      return ctx.store().read(key, 'stream')?.value.size ?? 0;
    },

    async xrange(key, start, end, count, rev) {
      const stream = ctx.store().read(key, 'stream')?.value;
      if (stream === undefined) return [];
      let entries = stream.range(parseId(start, 'low'), parseId(end, 'high'));
      if (rev) entries = entries.reverse();
      return reply(count === undefined ? entries : entries.slice(0, count));
    },

    async xdel(key, ids) {
      const store = ctx.store();
      const stream = store.read(key, 'stream')?.value;
      if (stream === undefined) return 0;
      const doomed = new Set(ids.map((id) => idText(parseId(id))));
      const before = stream.size;
      stream.entries = stream.entries.filter((entry) => !doomed.has(entry.key));
      store.changed(key);
      return before - stream.size;
    },

    async xtrim(key, trimming) {
      const store = ctx.store();
      const stream = store.read(key, 'stream')?.value;
      if (stream === undefined) return 0;
      store.changed(key);
      return trim(stream, trimming);
    },

    async xread(streams, count) {
      // Every stream is checked (a wrong type fails the whole read); only those with entries are answered.
      const reads = streams.map(([key, id]): RawStreamRead => {
        const stream = ctx.store().read(key, 'stream')?.value;
        if (stream === undefined) return [key, []];
        const after = parseId(id);
        const entries = stream.entries
          .slice(stream.indexFrom(after))
          .filter((e) => compareIds(e.id, after) > 0);
        return [key, reply(count === undefined ? entries : entries.slice(0, count))];
      });
      return reads.filter(([, entries]) => entries.length > 0);
    },

    async xgroupCreate(key, group, id, mkStream) {
      const store = ctx.store();
      const existing = store.read(key, 'stream')?.value;
      if (existing === undefined && !mkStream) {
        throw new CommandError(
          'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
        );
      }
      const stream = existing ?? store.readOrCreate(key, 'stream', newStream).value;
      if (stream.groups.has(group)) return false;
      const lastDelivered = id === '$' ? stream.lastId : parseId(id);
      stream.groups.set(group, { lastDelivered, pending: new Map(), consumers: new Set() });
      store.changed(key);
      return true;
    },

    async xreadgroup(key, groupName, consumer, id, count, noAck) {
      const { stream, group } = groupOf(key, groupName, ' in XREADGROUP with GROUP option');
      group.consumers.add(consumer);
      const limit = count ?? Number.POSITIVE_INFINITY;
      const time = now();
      if (id !== '>') {
        // The consumer's own history: its pending entries after `id`, redelivered.
        const after = parseId(id);
        const history = sortedPending(group)
          .filter((p) => p.consumer === consumer && compareIds(p.id, after) > 0)
          .slice(0, limit);
        return history.map((delivery) => {
          delivery.deliveredAt = time;
          delivery.deliveries += 1;
          const entry = stream.find(delivery.id);
          return entry === undefined ? [idText(delivery.id), null] : reply([entry])[0]!;
        });
      }
      const start = stream.indexFrom(group.lastDelivered);
      const fresh: StoredStreamEntry[] = [];
      for (let i = start; i < stream.entries.length && fresh.length < limit; i++) {
        const entry = stream.entries[i]!;
        if (compareIds(entry.id, group.lastDelivered) > 0) fresh.push(entry);
      }
      for (const entry of fresh) {
        group.lastDelivered = entry.id;
        if (!noAck) {
          group.pending.set(entry.key, { id: entry.id, consumer, deliveredAt: time, deliveries: 1 });
        }
      }
      ctx.store().changed(key);
      return reply(fresh);
    },

    async xack(key, groupName, ids) {
      const group = ctx.store().read(key, 'stream')?.value.groups.get(groupName);
      if (group === undefined) return 0;
      let acknowledged = 0;
      for (const id of new Set(ids.map((text) => idText(parseId(text))))) {
        if (group.pending.delete(id)) acknowledged += 1;
      }
      return acknowledged;
    },

    async xpendingSummary(key, groupName) {
      const { group } = groupOf(key, groupName, '');
      const pending = sortedPending(group);
      const perConsumer = new Map<string, number>();
      for (const p of pending) perConsumer.set(p.consumer, (perConsumer.get(p.consumer) ?? 0) + 1);
      return {
        count: pending.length,
        minId: pending.length === 0 ? null : idText(pending[0]!.id),
        maxId: pending.length === 0 ? null : idText(pending[pending.length - 1]!.id),
        consumers: [...perConsumer]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([name, count]) => ({ name, pending: count })),
      };
    },

    async xpending(key, groupName, start, end, count, consumer, minIdleMs) {
      const { group } = groupOf(key, groupName, '');
      const low = parseId(start, 'low');
      const high = parseId(end, 'high');
      const time = now();
      return sortedPending(group)
        .filter(
          (p) =>
            compareIds(p.id, low) >= 0 &&
            compareIds(p.id, high) <= 0 &&
            (consumer === undefined || p.consumer === consumer) &&
            (minIdleMs === undefined || time - p.deliveredAt >= minIdleMs),
        )
        .slice(0, count)
        .map((p) => ({
          id: idText(p.id),
          consumer: p.consumer,
          idleMs: time - p.deliveredAt,
          deliveries: p.deliveries,
        }));
    },

    async xautoclaim(key, groupName, consumer, minIdleMs, start, count) {
      const { stream, group } = groupOf(key, groupName, '');
      group.consumers.add(consumer);
      const time = now();
      const from = parseId(start);
      const candidates = sortedPending(group).filter((p) => compareIds(p.id, from) >= 0);
      const claimed: StoredStreamEntry[] = [];
      const deleted: string[] = [];
      // As Redis 7: at most count × 10 pending entries examined; deleted ones do not count.
      let attempts = count * 10;
      let index = 0;
      while (attempts > 0 && claimed.length < count && index < candidates.length) {
        attempts -= 1;
        const delivery = candidates[index++]!;
        const entry = stream.find(delivery.id);
        if (entry === undefined) {
          group.pending.delete(idText(delivery.id));
          deleted.push(idText(delivery.id));
          continue;
        }
        if (time - delivery.deliveredAt < minIdleMs) continue;
        delivery.consumer = consumer;
        delivery.deliveredAt = time;
        delivery.deliveries += 1;
        claimed.push(entry);
      }
      const next = candidates[index];
      ctx.store().changed(key);
      return { next: next === undefined ? '0-0' : idText(next.id), entries: reply(claimed), deleted };
    },
  };
}
