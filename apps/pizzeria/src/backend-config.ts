import { InvalidConfigError, redactUrl } from '@forno/core';

/** Which cache backend the pizzeria runs on. */
export type BackendConfig =
  | { readonly kind: 'memory' }
  | { readonly kind: 'redis'; readonly url: string }
  | { readonly kind: 'cluster'; readonly nodes: readonly string[] };

/** Every key the pizzeria writes starts with this prefix. */
export const KEY_PREFIX = 'mario_pizzeria:';

/**
 * The backend from the environment: `REDIS_CLUSTER_NODES=host:port,host:port` selects a Cluster,
 * `REDIS_URL=redis://…` a standalone server, and neither the in-memory fake (so the app runs on a
 * machine without Redis). Setting both is a mistake, not a preference.
 */
export function backendFromEnv(env: NodeJS.ProcessEnv = process.env): BackendConfig {
  const url = env.REDIS_URL?.trim() ?? '';
  const nodes = (env.REDIS_CLUSTER_NODES ?? '')
    .split(',')
    .map((node) => node.trim())
    .filter((node) => node.length > 0);
  if (url !== '' && nodes.length > 0) {
    throw new InvalidConfigError('REDIS_URL', 'set either REDIS_URL or REDIS_CLUSTER_NODES, not both');
  }
  if (nodes.length > 0) {
    for (const [i, node] of nodes.entries()) {
      if (!/^[^:\s]+:\d{1,5}$/.test(node)) {
        throw new InvalidConfigError(`REDIS_CLUSTER_NODES[${i}]`, `expected host:port, got "${node}"`);
      }
    }
    return { kind: 'cluster', nodes };
  }
  if (url !== '') {
    if (!/^rediss?:\/\//.test(url)) {
      throw new InvalidConfigError(
        'REDIS_URL',
        `expected redis://host:port or rediss://…, got "${redactUrl(url)}"`,
      );
    }
    return { kind: 'redis', url };
  }
  return { kind: 'memory' };
}

/** A one-line description for logs and `/health`; credentials are redacted (`redactUrl` of `@forno/core`). */
export function describeBackend(config: BackendConfig): string {
  switch (config.kind) {
    case 'memory':
      return 'in-memory (set REDIS_URL or REDIS_CLUSTER_NODES to use Redis)';
    case 'redis':
      return `redis ${redactUrl(config.url)}`;
    case 'cluster':
      return `redis-cluster ${config.nodes.join(',')}`;
  }
}
