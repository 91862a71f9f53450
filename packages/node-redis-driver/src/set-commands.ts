import {
  assertSameSlot,
  combineSets,
  cursorPages,
  inFlightLimited,
  type RawSetCommands,
  type SetOperation,
  sameSlot,
  toArgument,
  type ValueReply,
} from '@forno/core/backend';
import { type DriverContext, sendersOf } from './driver-context.js';

/**
 * Sets, on node-redis. On Cluster, `sinter`/`sunion`/`sdiff` over keys of several slots are
 * computed client-side from each set's members (`combineSets` of `@forno/core/backend`), so they
 * work with any keys; `sinterstore`/`sunionstore` must write server-side and throw
 * `CrossSlotError` unless every key shares a slot.
 */
export function setCommands(ctx: DriverContext): RawSetCommands {
  const { read, write } = sendersOf(ctx);
  const cluster = ctx.kind === 'cluster';
  const binary = ctx.binary;

  /** Each set's members as Buffers (one SMEMBERS per key), combined here. */
  async function clientSideSetOperation(operation: SetOperation, keys: readonly string[]) {
    const bytes = { ...ctx, binary: true };
    const sets = await inFlightLimited(keys, (key) =>
      sendersOf(bytes).read<Buffer[]>(operation, ['SMEMBERS', key], { values: true }),
    );
    return combineSets(operation, sets).map((member) => (binary ? member : member.toString('utf8')));
  }

  function setOperation(operation: SetOperation, keys: readonly string[]) {
    if (!cluster || sameSlot(keys)) {
      return read<ValueReply[]>(operation, [operation.toUpperCase(), ...keys], { values: true });
    }
    return clientSideSetOperation(operation, keys);
  }

  return {
    sadd: (key, members) => write('sadd', ['SADD', key, ...members.map(toArgument)]),
    srem: (key, members) => write('srem', ['SREM', key, ...members.map(toArgument)]),
    smembers: (key) => read<ValueReply[]>('smembers', ['SMEMBERS', key], { values: true }),
    sismember: (key, member) =>
      read('sismember', ['SISMEMBER', key, toArgument(member)]).then((n) => n === 1),
    scard: (key) => read('scard', ['SCARD', key]),

    sinter: (keys) => setOperation('sinter', keys),
    sunion: (keys) => setOperation('sunion', keys),
    sdiff: (keys) => setOperation('sdiff', keys),

    async *sscan(key, count) {
      yield* cursorPages((cursor) =>
        read<[unknown, ValueReply[]]>('sscan', ['SSCAN', key, cursor, 'COUNT', String(count)], {
          values: true,
        }),
      );
    },

    async sinterstore(destination, keys) {
      if (cluster) assertSameSlot('sinterstore', [destination, ...keys]);
      return write('sinterstore', ['SINTERSTORE', destination, ...keys]);
    },

    async sunionstore(destination, keys) {
      if (cluster) assertSameSlot('sunionstore', [destination, ...keys]);
      return write('sunionstore', ['SUNIONSTORE', destination, ...keys]);
    },
  };
}
