import { createRequire } from 'node:module';
import type { CacheRepository } from '@forno/core';
import Keyv, { type KeyvOptions } from 'keyv';
import * as vitest from 'vitest';
import { FornoKeyvStore } from '../src/index.js';

/*
 * @keyv/test-suite 2.1.2 declares an ESM entry (`dist/index.js`) that its package does not ship;
 * its CommonJS build is complete, so it is loaded through `require`.
 */
const keyvTestSuite = createRequire(import.meta.url)('@keyv/test-suite') as typeof import('@keyv/test-suite');

/**
 * Who encodes Keyv's `{ value, expires }` entries: `'keyv'` — Keyv's default serializer, the store
 * gets text; `'forno'` — Keyv's serializer off (`serialize: undefined`), the repository's serializer
 * encodes the entry object.
 */
export type EntrySerialization = 'keyv' | 'forno';

/** Keyv with its own serialization off unless a test passes its own (the suite's BigInt case does). */
class KeyvWithFornoSerialization extends Keyv {
  constructor(options: KeyvOptions = {}) {
    super(options);
    if (options.serialize === undefined) this.serialize = undefined;
    if (options.deserialize === undefined) this.deserialize = undefined;
  }
}

/**
 * Registers Keyv's official compliance suite (`@keyv/test-suite`: API, values, namespaces,
 * iterator) against `FornoKeyvStore`. `createRepository` runs once, before the tests: every store
 * the suite creates (it makes several per test, e.g. one per namespace) shares that repository, as
 * processes share a Redis. Every test case of the suite runs unchanged.
 */
export function describeKeyvSuite(
  name: string,
  createRepository: () => Promise<CacheRepository>,
  serialization: EntrySerialization,
): void {
  const KeyvClass = (serialization === 'forno' ? KeyvWithFornoSerialization : Keyv) as typeof Keyv;
  let repository: CacheRepository | undefined;
  const store = () => new FornoKeyvStore(repository!, { disconnectRepository: false });
  vitest.describe(`@keyv/test-suite: ${name}, entries serialized by ${serialization}`, () => {
    vitest.beforeAll(async () => {
      repository = await createRepository();
    });
    vitest.afterAll(async () => {
      await repository?.disconnect();
    });
    vitest.it(
      `entries reach the repository as ${serialization === 'keyv' ? "Keyv's text" : 'objects'}`,
      async () => {
        const keyv = new KeyvClass({ store: store(), namespace: 'serialization-check' });
        await keyv.set('entry', { pizza: 'margherita' });
        const stored = await repository!.get('serialization-check:entry');
        if (serialization === 'keyv') vitest.expect(stored).toBe('{"value":{"pizza":"margherita"}}');
        else vitest.expect(stored).toEqual({ value: { pizza: 'margherita' } });
        await keyv.clear();
      },
    );
    keyvTestSuite.default(vitest, KeyvClass, store);
    keyvTestSuite.keyvIteratorTests(vitest, KeyvClass, store);
  });
}
