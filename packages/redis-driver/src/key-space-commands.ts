import type { RawKeySpaceCommands } from '@forno/core';
import type { Redis } from 'ioredis';
import { isCluster } from './create-client.js';
import type { DriverContext } from './driver-context.js';

/**
 * SCAN, PING and FLUSHDB. On Cluster, SCAN and FLUSHDB visit every primary, since each holds
 * its own slots; SCAN never uses KEYS.
 */
export function keySpaceCommands(ctx: DriverContext): RawKeySpaceCommands {
  const { runner, cluster } = ctx;

  /** The connections to scan: the server, or each Cluster primary. */
  const nodes = (): Redis[] => {
    const client = runner.client();
    return isCluster(client) ? client.nodes('master') : [client as Redis];
  };

  async function* scanNode(node: Redis, match: string, count: number, type: string | undefined) {
    let cursor = '0';
    do {
      const args: Array<string | number> = [cursor, 'MATCH', match, 'COUNT', count];
      if (type !== undefined) args.push('TYPE', type);
      const [next, keys] = (await runner.idempotent(() => node.call('SCAN', ...args))) as [string, string[]];
      cursor = next;
      yield keys;
    } while (cursor !== '0');
  }

  return {
    async *scan(match, count, type) {
      for (const node of nodes()) yield* scanNode(node, match, count, type);
    },

    async ping() {
      await runner.idempotent((c) => c.ping());
    },

    async flushdb() {
      if (!cluster) {
        await runner.once((c) => c.flushdb());
        return;
      }
      await Promise.all(nodes().map((node) => runner.once(() => node.flushdb())));
    },
  };
}
