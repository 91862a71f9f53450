import type { CacheRepository } from '@forno/core';
import { afterAll, afterEach, beforeEach, describe, expect } from 'vitest';
import { badInputContract } from './bad-input-contract.js';
import type { ContractContext } from './contract-context.js';
import { entityContract } from './entity-contract.js';
import { hashContract } from './hash-contract.js';
import { isolationContract } from './isolation-contract.js';
import { keyValueContract } from './key-value-contract.js';
import { lifecycleContract } from './lifecycle-contract.js';
import { listContract } from './list-contract.js';
import { lockPrimitivesContract } from './lock-primitives-contract.js';
import { setContract } from './set-contract.js';
import { sortedSetContract } from './sorted-set-contract.js';
import { wrongTypeContract } from './wrong-type-contract.js';

/** How the contract suite reaches the backend under test. */
export interface CacheRepositoryContractOptions {
  /**
   * Creates a connected repository with the given prefix. Repositories created in one run must
   * share a backend (one server, one cluster, one in-memory store), as prefixes are tested for
   * isolation. Each test uses a unique prefix, so a shared server needs no flushing.
   */
  createRepository(options: { keyPrefix: string }): CacheRepository | Promise<CacheRepository>;
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
}

let runs = 0;

/**
 * Registers the `CacheRepository` contract suite with vitest: every operation, TTL expiry, prefix
 * isolation, glob patterns, WRONGTYPE, bad input, the lock primitives, pub/sub and the entity
 * repository. Any backend that passes it can stand in for Redis. At the end it logs how many tests
 * and assertions ran against `name`.
 *
 * ```ts
 * describeCacheRepositoryContract('my backend', { createRepository: ({ keyPrefix }) => create(keyPrefix) });
 * ```
 */
export function describeCacheRepositoryContract(name: string, options: CacheRepositoryContractOptions): void {
  const run = `contract:${process.pid}:${++runs}:${Date.now().toString(36)}`;
  let current: CacheRepository | undefined;
  let currentPrefix = '';
  let siblings: CacheRepository[] = [];
  let tests = 0;
  let assertions = 0;

  const ctx: ContractContext = {
    repo: () => {
      if (current === undefined) throw new Error('contract repository used outside a test');
      return current;
    },
    prefix: () => currentPrefix,
    createSibling: async (keyPrefix) => {
      const sibling = await options.createRepository({ keyPrefix });
      siblings.push(sibling);
      return sibling;
    },
    publishCountsNodeLocal: options.publishCountsNodeLocal ?? false,
    advanceTime: async (ms) => {
      if (options.advanceTime) await options.advanceTime(ms);
      else await new Promise((resolve) => setTimeout(resolve, ms));
    },
  };

  describe(`CacheRepository contract: ${name}`, () => {
    beforeEach(async () => {
      currentPrefix = `${run}:${tests++}:`;
      current = await options.createRepository({ keyPrefix: currentPrefix });
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
    describe('lock primitives and pub/sub', () => lockPrimitivesContract(ctx));
    describe('prefixes and patterns', () => isolationContract(ctx));
    describe('wrong types', () => wrongTypeContract(ctx));
    describe('bad input', () => badInputContract(ctx));
    describe('entity repository', () => entityContract(ctx));
    describe('lifecycle', () => lifecycleContract(ctx));
  });
}
