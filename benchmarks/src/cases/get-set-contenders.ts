import { NodeRedisRepository } from '@forno/node-redis-driver';
import { RedisRepository } from '@forno/redis-driver';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { MENU_ITEM } from './fixtures.js';

const KEYS = 1_000;

/** One way of doing the get/set JSON work: half `set` of {@link MENU_ITEM}, half `get` + parse. */
export interface GetSetContender {
  readonly name: GetSetContenderName;
  /** Operation `i` (a set when `i` is even, else a get of one of 1,000 keys). */
  op(i: number): Promise<unknown>;
  close(): Promise<void>;
}

/** The four contenders, in the order the get/set tables list them. */
export const GET_SET_CONTENDERS = [
  'raw ioredis + JSON',
  'node-redis + JSON',
  'Forno RedisRepository',
  'Forno NodeRedisRepository',
] as const;
export type GetSetContenderName = (typeof GET_SET_CONTENDERS)[number];

/**
 * Opens contender `name` against the server on `port`: raw ioredis batching and bounding commands
 * the way ioredis offers it (auto-pipelining, a 1 s commandTimeout; the ioredis driver batches a
 * standalone connection by corking its socket instead), raw node-redis (which pipelines the
 * commands of one tick by default), or one of the two Forno drivers with their defaults.
 * `commandTimeout` (ms) is raised only under valgrind, where everything runs ~50× slower.
 */
export async function openGetSetContender(
  name: GetSetContenderName,
  port: number,
  commandTimeout = 1_000,
): Promise<GetSetContender> {
  const key = (i: number) => `bench:item:${i % KEYS}`;
  switch (name) {
    case 'raw ioredis + JSON': {
      const raw = new Redis({ port, enableAutoPipelining: true, commandTimeout, lazyConnect: true });
      await raw.connect();
      return {
        name,
        op: async (i) => {
          if (i % 2 === 0) return raw.set(key(i), JSON.stringify(MENU_ITEM));
          const text = await raw.get(key(i));
          return text === null ? null : JSON.parse(text);
        },
        close: async () => raw.disconnect(),
      };
    }
    case 'node-redis + JSON': {
      const client = createClient({ url: `redis://127.0.0.1:${port}` });
      await client.connect();
      return {
        name,
        op: async (i) => {
          if (i % 2 === 0) return client.set(key(i), JSON.stringify(MENU_ITEM));
          const text = await client.get(key(i));
          return text === null ? null : JSON.parse(text);
        },
        close: async () => {
          await client.quit();
        },
      };
    }
    case 'Forno RedisRepository':
    case 'Forno NodeRedisRepository': {
      const options = {
        port,
        keyPrefix: 'bench:',
        healthCheckInterval: false,
        commandTimeout,
        connectTimeout: 10 * commandTimeout,
      } as const;
      const forno =
        name === 'Forno RedisRepository' ? new RedisRepository(options) : new NodeRedisRepository(options);
      await forno.connect();
      return {
        name,
        op: (i) => (i % 2 === 0 ? forno.set(`item:${i % KEYS}`, MENU_ITEM) : forno.get(`item:${i % KEYS}`)),
        close: () => forno.disconnect(),
      };
    }
  }
}
