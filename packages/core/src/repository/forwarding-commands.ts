import type { CacheRepository } from './cache-repository.js';

/**
 * Every `CacheRepository` method that returns a promise, except `connect` and `disconnect` (which
 * change a wrapper's own state and are written by hand): what a forwarding wrapper intercepts.
 */
export type RepositoryCommand = Exclude<
  keyof CacheRepository,
  'keyPrefix' | 'serializer' | 'status' | 'scan' | 'connect' | 'disconnect'
>;

/** The intercepted methods, with their exact `CacheRepository` signatures (overloads included). */
export type ForwardedCommands = Pick<CacheRepository, RepositoryCommand>;

/** Receives every intercepted call: the method name and its arguments, untouched. */
export type CommandInvoker = (name: RepositoryCommand, args: unknown[]) => Promise<unknown>;

// `satisfies` makes the compiler reject a missing or unknown name when the interface changes.
const COMMANDS = {
  get: true,
  set: true,
  mget: true,
  mset: true,
  delete: true,
  deletePattern: true,
  exists: true,
  expire: true,
  ttl: true,
  persist: true,
  incrby: true,
  hset: true,
  hget: true,
  hgetall: true,
  hdel: true,
  hincrby: true,
  hexists: true,
  hkeys: true,
  hlen: true,
  lpush: true,
  rpush: true,
  lpop: true,
  rpop: true,
  lrange: true,
  llen: true,
  ltrim: true,
  sadd: true,
  srem: true,
  smembers: true,
  sismember: true,
  scard: true,
  sinter: true,
  sunion: true,
  sdiff: true,
  sinterstore: true,
  sunionstore: true,
  zadd: true,
  zrange: true,
  zrevrange: true,
  zrangebyscore: true,
  zrem: true,
  zincrby: true,
  zremrangebyrank: true,
  zscore: true,
  zcard: true,
  zpopmin: true,
  zpopmax: true,
  setIfAbsent: true,
  compareAndDelete: true,
  compareAndExpire: true,
  acquireSemaphore: true,
  releaseSemaphore: true,
  extendSemaphore: true,
  publish: true,
  subscribe: true,
  ping: true,
  flushdb: true,
} satisfies Record<RepositoryCommand, true>;

/** Names of every {@link RepositoryCommand}. */
export const REPOSITORY_COMMANDS = Object.keys(COMMANDS) as readonly RepositoryCommand[];

/** Calls `repository[name](...args)`. */
export function callCommand(
  repository: CacheRepository,
  name: RepositoryCommand,
  args: unknown[],
): Promise<unknown> {
  const method = repository[name] as (...args: unknown[]) => Promise<unknown>;
  return method.apply(repository, args);
}

function forwardingBase(): abstract new (invoke: CommandInvoker) => ForwardedCommands {
  class Forwarding {
    readonly #invoke: CommandInvoker;

    constructor(invoke: CommandInvoker) {
      this.#invoke = invoke;
    }

    static {
      for (const name of REPOSITORY_COMMANDS) {
        // A computed method name gives each function its command's name, for stack traces.
        const method = {
          [name](this: Forwarding, ...args: unknown[]): Promise<unknown> {
            return this.#invoke(name, args);
          },
        }[name];
        Object.defineProperty(Forwarding.prototype, name, {
          value: method,
          writable: true,
          configurable: true,
        });
      }
    }
  }
  return Forwarding as unknown as abstract new (
    invoke: CommandInvoker,
  ) => ForwardedCommands;
}

/**
 * A base class whose prototype has one method per {@link RepositoryCommand}, each handing its name
 * and arguments to the invoker given to the constructor. Decorators of a `CacheRepository` (the
 * chaos wrapper, the resilient repository) extend it and write by hand only what is not a plain
 * command, instead of fifty forwarding methods.
 */
export const ForwardingCommands = forwardingBase();
