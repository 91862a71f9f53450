import type { CacheRepository, Serializer } from '@forno/core';
import { afterAll, afterEach, beforeEach, describe, expect } from 'vitest';
import { badInputContract } from './bad-input-contract.js';
import type { ContractContext } from './contract-context.js';
import { type ContractSerializer, JSON_CONTRACT_SERIALIZER, storedForm } from './contract-serializers.js';
import { entityContract } from './entity-contract.js';
import { everydayCommandsContract } from './everyday-commands-contract.js';
import { hashContract } from './hash-contract.js';
import { isolationContract } from './isolation-contract.js';
import { keyValueContract } from './key-value-contract.js';
import { lifecycleContract } from './lifecycle-contract.js';
import { listContract } from './list-contract.js';
import { lockPrimitivesContract } from './lock-primitives-contract.js';
import { queueLockPrimitivesContract } from './queue-lock-primitives-contract.js';
import { scriptContract } from './script-contract.js';
import { semaphorePrimitivesContract } from './semaphore-primitives-contract.js';
import { setContract } from './set-contract.js';
import { sortedSetContract } from './sorted-set-contract.js';
import { streamContract } from './stream-contract.js';
import { transactionContract } from './transaction-contract.js';
import { wrongTypeContract } from './wrong-type-contract.js';

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
  }): CacheRepository | Promise<CacheRepository>;
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
  for (const serializer of serializers) {
    const label = options.serializers === undefined ? name : `${name} [${serializer.name}]`;
    describeWithSerializer(label, serializer, options);
  }
}

function describeWithSerializer(
  name: string,
  serializer: ContractSerializer,
  options: CacheRepositoryContractOptions,
): void {
  const run = `contract:${process.pid}:${++runs}:${Date.now().toString(36)}`;
  let current: CacheRepository | undefined;
  let currentPrefix = '';
  let siblings: CacheRepository[] = [];
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

    describe('strings and keys', () => keyValueContract(ctx));
    describe('hashes', () => hashContract(ctx));
    describe('lists', () => listContract(ctx));
    describe('sets', () => setContract(ctx));
    describe('sorted sets', () => sortedSetContract(ctx));
    describe('everyday commands and member iterators', () => everydayCommandsContract(ctx));
    describe('transactions', () => transactionContract(ctx));
    describe('streams', () => streamContract(ctx));
    describe('scripts', () => scriptContract(ctx));
    describe('lock primitives and pub/sub', () => lockPrimitivesContract(ctx));
    describe('semaphore primitives', () => semaphorePrimitivesContract(ctx));
    describe('fair and read-write lock primitives', () => queueLockPrimitivesContract(ctx));
    describe('prefixes and patterns', () => isolationContract(ctx));
    describe('wrong types', () => wrongTypeContract(ctx));
    describe('bad input', () => badInputContract(ctx));
    describe('entity repository', () => entityContract(ctx));
    describe('lifecycle', () => lifecycleContract(ctx));
  });
}
