import { type NodeInfo, parseInfo } from '@forno/core';
import type { CommandRunner } from '@forno/core/backend';
import {
  type NodeRedisClient,
  type NodeRedisClusterClient,
  type NodeRedisKind,
  type NodeRedisSentinelClient,
  type NodeRedisSingleClient,
  sendCommand,
} from './node-redis-client.js';

/** A node's address as node-redis keeps it. */
interface NodeAddress {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
}

const addressOf = (node: NodeAddress | undefined): string => `${node?.host ?? '?'}:${node?.port ?? '?'}`;

/** The address a standalone client connects to (`socket.host`/`port`, or its `url`). */
function standaloneAddress(client: NodeRedisSingleClient): string {
  const options = client.options as { socket?: NodeAddress; url?: string } | undefined;
  if (options?.socket?.host !== undefined) return addressOf(options.socket);
  if (options?.url !== undefined) return new URL(options.url).host;
  return 'localhost:6379';
}

/**
 * `INFO [section]` of the server (standalone, or the Sentinel group's primary) or of every Cluster
 * primary, each reply parsed by `parseInfo`. Each node's question runs under the runner's deadline
 * and retries (`INFO` is a read), so a frozen node gives `CacheTimeoutError`, never a hang.
 */
export async function nodeInfos(
  runner: CommandRunner<NodeRedisClient>,
  kind: NodeRedisKind,
  section: string | undefined,
): Promise<NodeInfo[]> {
  const args = section === undefined ? ['INFO'] : ['INFO', section];
  const ask = (send: (client: NodeRedisClient) => Promise<unknown>) =>
    runner.idempotent(async (client) => parseInfo(String(await send(client))));
  if (kind === 'cluster') {
    const masters = (runner.client() as NodeRedisClusterClient).masters;
    return Promise.all(
      masters.map(async (master) => ({
        node: addressOf(master),
        fields: await ask(async (client) => {
          const node = await (client as NodeRedisClusterClient).nodeClient(master);
          return (node as unknown as NodeRedisSingleClient).sendCommand(args);
        }),
      })),
    );
  }
  return [
    {
      node:
        kind === 'sentinel'
          ? addressOf((runner.client() as NodeRedisSentinelClient).getMasterNode())
          : standaloneAddress(runner.client() as NodeRedisSingleClient),
      fields: await ask((client) => sendCommand(client, kind, args, { readonly: false, binary: false })),
    },
  ];
}

/** `MEMORY USAGE key` (with its prefix): bytes, or `null` when the key does not exist. */
export async function keyMemoryUsage(
  runner: CommandRunner<NodeRedisClient>,
  kind: NodeRedisKind,
  fullKey: string,
): Promise<number | null> {
  const bytes = await runner.idempotent((client) =>
    sendCommand(client, kind, ['MEMORY', 'USAGE', fullKey], { key: fullKey, readonly: true, binary: false }),
  );
  return bytes === null ? null : Number(bytes);
}
