import { InvalidConfigError, redactUrl } from '@forno/core';

/**
 * Which Forno Redis driver talks to Redis: `@forno/redis-driver` (ioredis, the default, left out of
 * the config) or `@forno/node-redis-driver` (`'node-redis'`).
 */
export type RedisClientName = 'node-redis';

/** Which cache backend the pizzeria runs on. */
export type BackendConfig =
  | { readonly kind: 'memory' }
  | { readonly kind: 'redis'; readonly url: string; readonly client?: RedisClientName }
  | { readonly kind: 'cluster'; readonly nodes: readonly string[]; readonly client?: RedisClientName };

/** Every key the pizzeria writes starts with this prefix. */
export const KEY_PREFIX = 'mario_pizzeria:';

/**
 * The backend from the environment: `REDIS_CLUSTER_NODES=host:port,host:port` selects a Cluster,
 * `REDIS_URL=redis://…` a standalone server, and neither the in-memory fake (so the app runs on a
 * machine without Redis). Setting both is a mistake, not a preference. `REDIS_CLIENT=node-redis`
 * runs on `@forno/node-redis-driver` instead of the ioredis driver (`REDIS_CLIENT=ioredis`, the
 * default).
 */
export function backendFromEnv(env: NodeJS.ProcessEnv = process.env): BackendConfig {
  const url = env.REDIS_URL?.trim() ?? '';
  const nodes = (env.REDIS_CLUSTER_NODES ?? '')
    .split(',')
    .map((node) => node.trim())
    .filter((node) => node.length > 0);
  const clientName = env.REDIS_CLIENT?.trim() ?? '';
  if (!['', 'ioredis', 'node-redis'].includes(clientName)) {
    throw new InvalidConfigError('REDIS_CLIENT', `expected ioredis or node-redis, got "${clientName}"`);
  }
  const client = clientName === 'node-redis' ? ({ client: 'node-redis' } as const) : {};
  if (url !== '' && nodes.length > 0) {
    throw new InvalidConfigError('REDIS_URL', 'set either REDIS_URL or REDIS_CLUSTER_NODES, not both');
  }
  if (nodes.length > 0) {
    for (const [i, node] of nodes.entries()) {
      if (!/^[^:\s]+:\d{1,5}$/.test(node)) {
        throw new InvalidConfigError(`REDIS_CLUSTER_NODES[${i}]`, `expected host:port, got "${node}"`);
      }
    }
    return { kind: 'cluster', nodes, ...client };
  }
  if (url !== '') {
    if (!/^rediss?:\/\//.test(url)) {
      throw new InvalidConfigError(
        'REDIS_URL',
        `expected redis://host:port or rediss://…, got "${redactUrl(url)}"`,
      );
    }
    return { kind: 'redis', url, ...client };
  }
  return { kind: 'memory' };
}

/** A one-line description for logs and `/health`; credentials are redacted (`redactUrl` of `@forno/core`). */
export function describeBackend(config: BackendConfig): string {
  switch (config.kind) {
    case 'memory':
      return 'in-memory (set REDIS_URL or REDIS_CLUSTER_NODES to use Redis)';
    case 'redis':
      return `redis ${redactUrl(config.url)}${onClient(config.client)}`;
    case 'cluster':
      return `redis-cluster ${config.nodes.join(',')}${onClient(config.client)}`;
  }
}

function onClient(client: RedisClientName | undefined): string {
  return client === undefined ? '' : ` (${client})`;
}
