import { HybridCache, type HybridCacheOptions } from '@forno/cache';
import type { Serializer } from '@forno/core';
import { RedisRepository } from '@forno/redis-driver';
import KeyvRedis from '@keyv/redis';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisDriver } from 'bentocache/drivers/redis';
import { createCache } from 'cache-manager';
import Keyv from 'keyv';

/** The three cache-aside libraries of the hybrid-cache cases, each as "getOrSet + close". */
export interface Peer {
  getOrSet<T>(key: string, factory: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type PeerName = 'forno' | 'bentocache' | 'cache-manager';

/** Forno's HybridCache (L1 + Redis) on a RedisRepository of its own. */
export async function fornoCache(
  port: number,
  options: Omit<HybridCacheOptions, 'repository'> = {},
  serializer?: Serializer,
): Promise<{ cache: HybridCache; close(): Promise<void> }> {
  const repository = new RedisRepository({
    port,
    keyPrefix: 'hybrid:',
    healthCheckInterval: false,
    ...(serializer === undefined ? {} : { serializer }),
  });
  await repository.connect();
  const cache = new HybridCache({ repository, namespace: 'bench', ttl: '1h', ...options });
  // Until its bus delivers, the cache does not trust L1: wait, as a long-running service would have.
  while (cache.stats().bus.state !== 'healthy') await new Promise((resolve) => setTimeout(resolve, 2));
  return {
    cache,
    close: async () => {
      await cache.close();
      await repository.disconnect();
    },
  };
}

/** A peer by name; Forno with `stampede: 'distributed'`, the others with their defaults. */
export async function openPeer(name: PeerName, port: number): Promise<Peer> {
  switch (name) {
    case 'forno': {
      const { cache, close } = await fornoCache(port, { stampede: 'distributed', lockTimeout: '30s' });
      return { getOrSet: (key, factory) => cache.getOrSet(key, factory), close };
    }
    case 'bentocache': {
      const bento = new BentoCache({
        default: 'cache',
        stores: {
          cache: bentostore()
            .useL1Layer(memoryDriver({ maxSize: '10mb' }))
            .useL2Layer(redisDriver({ connection: { host: '127.0.0.1', port } })),
        },
      });
      return {
        getOrSet: (key, factory) => bento.getOrSet({ key, factory, ttl: '1h' }),
        close: () => bento.disconnectAll(),
      };
    }
    case 'cache-manager': {
      const manager = createCache({
        stores: [new Keyv({ store: new KeyvRedis(`redis://127.0.0.1:${port}`) })],
      });
      return {
        getOrSet: (key, factory) => manager.wrap(key, factory, 3_600_000),
        close: () => manager.disconnect().then(() => undefined),
      };
    }
  }
}
