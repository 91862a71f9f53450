import { CacheTimeoutError } from '@forno/core';
import { createCache } from 'cache-manager';
import Keyv from 'keyv';
import { beforeAll, expect, it } from 'vitest';
import {
  COMMAND_TIMEOUT_MS,
  eventually,
  MARGIN_MS,
  timed,
  useOutageFixture,
} from '../test/outage-fixture.js';
import { FornoKeyvStore, KeyvStoreError } from './index.js';

const fixture = useOutageFixture();
let cache: ReturnType<typeof createCache>;
let loads = 0;
const load = async () => ({ name: 'Margherita', price: 9, load: ++loads });

beforeAll(() => {
  cache = createCache({ stores: [new Keyv({ store: fixture.store, namespace: 'menu' })] });
});

it('cache-manager wrap over Redis: loads once, then hits', async () => {
  expect(await cache.wrap('margherita', load, 60_000)).toMatchObject({ load: 1 });
  expect(await cache.wrap('margherita', load, 60_000)).toMatchObject({ load: 1 });
  expect(fixture.errors).toEqual([]);
});

it('Redis frozen (SIGSTOP): wrap answers from the loader within two command deadlines, errors carry CacheTimeoutError', async () => {
  await fixture.server.pause();
  try {
    const { value, ms } = await timed(() => cache.wrap('diavola', load, 60_000));
    console.info(
      `[outage] cache-manager wrap with Redis frozen: ${ms.toFixed(0)} ms (commandTimeout ${COMMAND_TIMEOUT_MS} ms)`,
    );
    expect(value).toMatchObject({ load: 2 });
    // a read that timed out, then a write that timed out
    expect(ms).toBeLessThan(2 * COMMAND_TIMEOUT_MS + MARGIN_MS);
    expect(fixture.errors.map((error) => error.operation)).toEqual(['get', 'set']);
    for (const error of fixture.errors) {
      expect(KeyvStoreError.is(error)).toBe(true);
      expect(CacheTimeoutError.is(error.cause)).toBe(true);
    }

    // With throwOnErrors on the store and on Keyv, cache-manager reports failed reads in its 'get'
    // event and rejects failed writes, with the typed cause.
    const strict = createCache({
      stores: [
        new Keyv({
          store: new FornoKeyvStore(fixture.repository, { throwOnErrors: true, disconnectRepository: false }),
          namespace: 'menu',
          throwOnErrors: true,
        }),
      ],
    });
    const getEvents: Array<{ error?: unknown }> = [];
    strict.on('get', (event: { error?: unknown }) => getEvents.push(event));
    expect(await strict.get('margherita')).toBeUndefined();
    expect(CacheTimeoutError.is((getEvents[0]?.error as KeyvStoreError | undefined)?.cause)).toBe(true);
    const { value: rejection, ms: rejectedMs } = await timed(() =>
      strict.set('calzone', 'new').catch((error: unknown) => error),
    );
    expect(KeyvStoreError.is(rejection)).toBe(true);
    expect(CacheTimeoutError.is((rejection as KeyvStoreError).cause)).toBe(true);
    console.info(
      `[outage] cache-manager set with throwOnErrors, Redis frozen: rejected in ${rejectedMs.toFixed(0)} ms`,
    );
    expect(rejectedMs).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
  } finally {
    await fixture.server.resume();
  }
});

it('Redis back (SIGCONT): wrap hits the cache again without any call from the application', async () => {
  await eventually('the store writes again', async () => (await fixture.store.set('menu:probe', 1)) === true);
  fixture.errors.length = 0;
  const first = await cache.wrap('quattro', load, 60_000);
  expect(await cache.wrap('quattro', load, 60_000)).toEqual(first);
  expect(await cache.wrap('margherita', load, 60_000)).toMatchObject({ load: 1 });
  expect(fixture.errors).toEqual([]);
});
