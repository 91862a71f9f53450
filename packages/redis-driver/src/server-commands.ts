import { isUtf8 } from 'node:buffer';
import type { RawKey, RawServerCommands } from '@forno/core/backend';
import type { Redis } from 'ioredis';
import { isCluster } from './create-client.js';
import type { DriverContext } from './driver-context.js';

/**
 * SCAN, PING and FLUSHDB. On Cluster, SCAN and FLUSHDB visit every primary, since each holds
 * its own slots; SCAN never uses KEYS.
 */
export function serverCommands(ctx: DriverContext): RawServerCommands {
  const { runner, cluster } = ctx;

  /** The connections to scan: the server, or each Cluster primary. */
  const nodes = (): Redis[] => {
    const client = runner.client();
    return isCluster(client) ? client.nodes('master') : [client as Redis];
  };

  async function* scanNode(node: Redis, match: string, count: number, type: string | undefined) {
    let cursor = '0';
    do {
      const args: Array<string | number> = ['MATCH', match, 'COUNT', count];
      if (type !== undefined) args.push('TYPE', type);
      // Keys are read as bytes: decoded as UTF-8 by ioredis, a key that is not valid UTF-8 would
      // come back mangled (U+FFFD), and UNLINK of the mangled name would delete nothing.
      const [next, keys] = (await runner.send('scan', () =>
        (node.scanBuffer as (...args: unknown[]) => Promise<[Buffer, Buffer[]]>)(cursor, ...args),
      )) as [Buffer, Buffer[]];
      cursor = next.toString('latin1');
      yield keys.map(toRawKey);
    } while (cursor !== '0');
  }

  return {
    async *scan(match, count, type) {
      for (const node of nodes()) yield* scanNode(node, match, count, type);
    },

    async ping() {
      await runner.send('ping', (c) => c.ping());
    },

    async flushdb() {
      if (!cluster) {
        await runner.send('flushdb', (c) => c.flushdb());
        return;
      }
      await Promise.all(nodes().map((node) => runner.send('flushdb', () => node.flushdb())));
    },
  };
}

/** A scanned key as a string when it is valid UTF-8 (nearly always), else as its bytes. */
function toRawKey(key: Buffer): RawKey {
  return isUtf8(key) ? key.toString('utf8') : key;
}
