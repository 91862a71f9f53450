import type { Serializer } from '@forno/core';
import { afterAll, afterEach, beforeEach, describe, expect } from 'vitest';
import { badInputContract } from './bad-input-contract.js';
import type { ContractContext, ContractRepository } from './contract-context.js';
import { type ContractSerializer, JSON_CONTRACT_SERIALIZER, storedForm } from './contract-serializers.js';
import { entityContract } from './entity-contract.js';
import { everydayCommandsContract } from './everyday-commands-contract.js';
import { hashContract } from './hash-contract.js';
import { hashFieldTtlContract } from './hash-field-ttl-contract.js';
import { isolationContract } from './isolation-contract.js';
import { keyValueContract } from './key-value-contract.js';
import { lifecycleContract } from './lifecycle-contract.js';
import { listContract } from './list-contract.js';
import { lockPrimitivesContract, lockWaitersContract } from './lock-primitives-contract.js';
import { queueLockPrimitivesContract } from './queue-lock-primitives-contract.js';
import { scriptContract } from './script-contract.js';
import { semaphorePrimitivesContract, semaphoreWaitersContract } from './semaphore-primitives-contract.js';
import { setContract } from './set-contract.js';
import { sortedSetContract } from './sorted-set-contract.js';
import { streamContract } from './stream-contract.js';
import { transactionContract } from './transaction-contract.js';
import { wrongTypeContract } from './wrong-type-contract.js';

/**
 * The groups of the contract suite, in the order they run, and whether each runs once per
 * serializer even in a lean matrix (`perSerializer`). The groups that store and read values of
 * every type do. The others test command semantics that no serializer changes, so a lean matrix
 * runs them once: the everyday commands, transactions, streams and hash-field TTLs (whose value
 * handling is that of the plain commands), and the lock, semaphore and queue-lock primitives, which
 * never touch the serializer (tokens are plain text, and both drivers read their replies as text
 * whatever the serializer).
 */
const CONTRACT_GROUPS = {
  'strings and keys': { register: keyValueContract, perSerializer: true },
  hashes: { register: hashContract, perSerializer: true },
  lists: { register: listContract, perSerializer: true },
  sets: { register: setContract, perSerializer: true },
  'sorted sets': { register: sortedSetContract, perSerializer: true },
  'everyday commands and member iterators': { register: everydayCommandsContract, perSerializer: false },
  'hash-field TTLs': { register: hashFieldTtlContract, perSerializer: false },
  transactions: { register: transactionContract, perSerializer: false },
  streams: { register: streamContract, perSerializer: false },
  scripts: { register: scriptContract, perSerializer: true },
  'lock primitives and pub/sub': { register: lockPrimitivesContract, perSerializer: false },
  'lock waiters': { register: lockWaitersContract, perSerializer: false },
  'semaphore primitives': { register: semaphorePrimitivesContract, perSerializer: false },
  'semaphore waiters': { register: semaphoreWaitersContract, perSerializer: false },
  'fair and read-write lock primitives': { register: queueLockPrimitivesContract, perSerializer: false },
  'prefixes and patterns': { register: isolationContract, perSerializer: true },
  'wrong types': { register: wrongTypeContract, perSerializer: true },
  'bad input': { register: badInputContract, perSerializer: true },
  'entity repository': { register: entityContract, perSerializer: true },
  lifecycle: { register: lifecycleContract, perSerializer: true },
} as const satisfies Record<string, { register(ctx: ContractContext): void; perSerializer: boolean }>;

/** The name of a group of the contract suite (`'streams'`, `'hash-field TTLs'`...), for `only`. */
export type ContractGroup = keyof typeof CONTRACT_GROUPS;

/** How the contract suite reaches the backend under test. */
export interface CacheRepositoryContractOptions {
  /**
   * Creates a connected repository with the given prefix and serializer. Repositories created in
   * one run must share a backend (one server, one cluster, one in-memory store), as prefixes are
   * tested for isolation. Each test uses a unique prefix, so a shared server needs no flushing.
   */
  createRepository(options: {
    keyPrefix: string;
    serializer: Serializer;
  }): ContractRepository | Promise<ContractRepository>;
  /**
   * The serializer configurations to run the whole suite with, once each (default: JSON only).
   * `CONTRACT_SERIALIZERS` lists every one Forno ships.
   */
  serializers?: readonly ContractSerializer[];
  /**
   * Lets time pass for TTL tests. Give a manual clock's `advance` for a fake; the default sleeps
   * for real (TTL tests use a few hundred milliseconds).
   */
  advanceTime?(ms: number): void | Promise<void>;
  /**
   * `publish` counts only the subscribers of the node that received it, as on Redis Cluster, so a
   * subscriber on another node is not counted. Default false: every subscriber is counted.
   */
  publishCountsNodeLocal?: boolean;
  /**
   * The backend is a Redis Cluster: a transaction whose keys span hash slots must be refused with
   * `CrossSlotError`. Default false: such a transaction runs.
   */
  cluster?: boolean;
  /**
   * The backend has hash-field TTLs (`hexpire`...; Redis 7.4+). Default true. False (Redis 7.0 to
   * 7.2): the suite checks that each of those commands rejects with `UnsupportedCommandError`.
   */
  hashFieldTtl?: boolean;
  /**
   * Runs the command groups (everyday commands, transactions, streams, hash-field TTLs, lock
   * primitives) with the first serializer only; the groups that store values of every type still
   * run with each. For real servers, where every test costs round trips: the fake keeps the full
   * matrix. Default false.
   */
  leanMatrix?: boolean;
  /** Runs only these groups (default: all), e.g. `['hash-field TTLs']` on a second server version. */
  only?: readonly ContractGroup[];
  /**
   * Empties the backend's script cache (`SCRIPT FLUSH` on every node; `store.scripts.clear()` for
   * the fake), so the script tests prove the `EVAL` fallback after a flush too.
   */
  flushScripts?(): Promise<void>;
}

let runs = 0;

/**
 * Registers the `CacheRepository` contract suite with vitest: every operation, TTL expiry, prefix
 * isolation, glob patterns, WRONGTYPE, bad input, transactions, scripts, the lock primitives, pub/sub and the entity
 * repository. Any backend that passes it can stand in for Redis. With `serializers`, the whole suite
 * runs once per serializer configuration, as each takes its own path through a backend. At the end
 * of each run it logs how many tests and assertions ran against `name`.
 *
 * ```ts
 * describeCacheRepositoryContract('my backend', {
 *   createRepository: ({ keyPrefix, serializer }) => create({ keyPrefix, serializer }),
 *   serializers: CONTRACT_SERIALIZERS,
 * });
 * ```
 */
export function describeCacheRepositoryContract(name: string, options: CacheRepositoryContractOptions): void {
  const serializers = options.serializers ?? [JSON_CONTRACT_SERIALIZER];
  if (serializers.length === 0) throw new Error('describeCacheRepositoryContract: no serializers to run');
  for (const [index, serializer] of serializers.entries()) {
    const label = options.serializers === undefined ? name : `${name} [${serializer.name}]`;
    const groups = (Object.keys(CONTRACT_GROUPS) as ContractGroup[]).filter(
      (group) =>
        (options.only === undefined || options.only.includes(group)) &&
        (index === 0 || options.leanMatrix !== true || CONTRACT_GROUPS[group].perSerializer),
    );
    if (groups.length > 0) describeWithSerializer(label, serializer, groups, options);
  }
}

function describeWithSerializer(
  name: string,
  serializer: ContractSerializer,
  groups: readonly ContractGroup[],
  options: CacheRepositoryContractOptions,
): void {
  const run = `contract:${process.pid}:${++runs}:${Date.now().toString(36)}`;
  let current: ContractRepository | undefined;
  let currentPrefix = '';
  let siblings: ContractRepository[] = [];
  let tests = 0;
  let assertions = 0;
  const create = (keyPrefix: string) =>
    options.createRepository({ keyPrefix, serializer: serializer.create() });
  const value = (sample: unknown) => storedForm(serializer, sample);

  const ctx: ContractContext = {
    repo: () => {
      if (current === undefined) throw new Error('contract repository used outside a test');
      return current;
    },
    serializer,
    value,
    values: (samples) => samples.map(value),
    fields: (samples) => Object.fromEntries(Object.entries(samples).map(([field, v]) => [field, value(v)])),
    prefix: () => currentPrefix,
    createSibling: async (keyPrefix) => {
      const sibling = await create(keyPrefix);
      siblings.push(sibling);
      return sibling;
    },
    publishCountsNodeLocal: options.publishCountsNodeLocal ?? false,
    cluster: options.cluster ?? false,
    hashFieldTtl: options.hashFieldTtl ?? true,
    ...(options.flushScripts === undefined ? {} : { flushScripts: async () => options.flushScripts?.() }),
    advanceTime: async (ms) => {
      if (options.advanceTime) await options.advanceTime(ms);
      else await new Promise((resolve) => setTimeout(resolve, ms));
    },
  };

  describe(`CacheRepository contract: ${name}`, () => {
    beforeEach(async () => {
      currentPrefix = `${run}:${tests++}:`;
      current = await create(currentPrefix);
    });
    afterEach(async () => {
      assertions += expect.getState().assertionCalls;
      const all = [current, ...siblings].filter((repo) => repo !== undefined);
      siblings = [];
      current = undefined;
      for (const repo of all) {
        try {
          if (repo.status !== 'ready') await repo.connect();
          await repo.deletePattern('*');
        } finally {
          await repo.disconnect();
        }
      }
    });

    afterAll(() => {
      console.info(`[contract] ${name}: ${tests} tests, ${assertions} assertions`);
    });

    for (const group of groups) describe(group, () => CONTRACT_GROUPS[group].register(ctx));
  });
}
