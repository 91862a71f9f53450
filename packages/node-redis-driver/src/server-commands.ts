import { isUtf8 } from 'node:buffer';
import type { RawKey, RawServerCommands } from '@forno/core/backend';
import { type DriverContext, sendersOf } from './driver-context.js';
import { type NodeRedisClient, type NodeRedisClusterClient, sendCommand } from './node-redis-client.js';

/** One node to scan or flush: a function that sends a command to it. */
type NodeSender = (args: readonly string[], binary: boolean) => Promise<unknown>;

/**
 * SCAN, PING and FLUSHDB. On Cluster, SCAN and FLUSHDB visit every primary, since each holds its
 * own slots; SCAN never uses KEYS.
 */
export function serverCommands(ctx: DriverContext): RawServerCommands {
  const { runner, kind } = ctx;
  const { read } = sendersOf(ctx);

  /** The server (standalone, Sentinel's primary), or each Cluster primary's connection. */
  const nodes = (): NodeSender[] => {
    const client = runner.client();
    if (kind !== 'cluster') {
      return [(args, binary) => sendCommand(client, kind, args, { readonly: false, binary })];
    }
    const cluster = client as NodeRedisClusterClient;
    return cluster.masters.map(
      (master) => async (args, binary) =>
        sendCommand((await cluster.nodeClient(master)) as unknown as NodeRedisClient, 'standalone', args, {
          readonly: false,
          binary,
        }),
    );
  };

  async function* scanNode(node: NodeSender, match: string, count: number, type: string | undefined) {
    let cursor = '0';
    do {
      const args = ['SCAN', cursor, 'MATCH', match, 'COUNT', String(count)];
      if (type !== undefined) args.push('TYPE', type);
      // Keys are read as bytes: decoded as UTF-8, a key that is not valid UTF-8 would come back
      // mangled (U+FFFD), and UNLINK of the mangled name would delete nothing.
      const [next, keys] = (await runner.send('scan', () => node(args, true))) as [Buffer, Buffer[]];
      cursor = next.toString('latin1');
      yield keys.map(toRawKey);
    } while (cursor !== '0');
  }

  return {
    async *scan(match, count, type) {
      for (const node of nodes()) yield* scanNode(node, match, count, type);
    },

    async ping() {
      await read<unknown>('ping', ['PING']);
    },

    async flushdb() {
      await Promise.all(nodes().map((node) => runner.send('flushdb', () => node(['FLUSHDB'], false))));
    },
  };
}

/** A scanned key as a string when it is valid UTF-8 (nearly always), else as its bytes. */
function toRawKey(key: Buffer): RawKey {
  return isUtf8(key) ? key.toString('utf8') : key;
}
