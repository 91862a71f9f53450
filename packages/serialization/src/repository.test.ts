import { SerializationError, type Serializer } from '@forno/core';
import { describe, expect, it } from 'vitest';
import { HarnessRepository } from '../test/repository-harness.js';
import { compressed } from './compressed-serializer.js';
import { JsonSerializer } from './json-serializer.js';
import { MsgpackSerializer } from './msgpack/msgpack-serializer.js';
import { RawSerializer } from './raw-serializer.js';

const order = {
  id: 'ord_42',
  items: Array.from({ length: 20 }, (_, i) => ({ name: `pizza ${i}`, price: 9.5, toppings: ['basil'] })),
};

function setup(serializer: Serializer, store = new Map<string, Buffer>()) {
  return { store, repo: new HarnessRepository(store, serializer) };
}

describe('through a repository', () => {
  describe.each<[string, (maxPayloadBytes?: number) => Serializer]>([
    ['json', (maxPayloadBytes) => new JsonSerializer({ maxPayloadBytes })],
    ['msgpack', (maxPayloadBytes) => new MsgpackSerializer({ maxPayloadBytes })],
    ['compressed json', (maxPayloadBytes) => compressed(new JsonSerializer(), { maxPayloadBytes })],
    [
      'compressed msgpack',
      (maxPayloadBytes) => compressed(new MsgpackSerializer(), { algorithm: 'brotli', maxPayloadBytes }),
    ],
  ])('%s', (_, serializer) => {
    it('stores and reads values', async () => {
      const { repo } = setup(serializer());
      await repo.set('order:42', order);
      expect(await repo.get('order:42')).toEqual(order);
    });

    it('fails bad input with a SerializationError naming the key, before any command', async () => {
      const { repo } = setup(serializer());
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      for (const bad of [undefined, circular, () => 1, Symbol('s'), { nested: { fn: () => 1 } }]) {
        await expect(repo.set('bad', bad)).rejects.toMatchObject({ code: 'E_SERIALIZATION', key: 'bad' });
      }
      expect(repo.sent).toEqual([]);
    });

    it('fails an oversized value with PayloadTooLargeError, before any command', async () => {
      const { repo } = setup(serializer(1000));
      await expect(repo.set('big', 'x'.repeat(5000))).rejects.toMatchObject({ code: 'E_PAYLOAD_TOO_LARGE' });
      expect(repo.sent).toEqual([]);
    });
  });

  it.each<[string, Serializer, Buffer]>([
    ['json reading a raw string', new JsonSerializer(), Buffer.from('hello')],
    ['json reading truncated JSON', new JsonSerializer(), Buffer.from('{"id":')],
    [
      'msgpack reading a truncated frame',
      new MsgpackSerializer(),
      Buffer.from([0xc1, 0x02, 0x00, 0x92, 0x01]),
    ],
    [
      'compressed reading a corrupt gzip body',
      compressed(new JsonSerializer()),
      Buffer.from([0xc1, 0x01, 0x01, 0x1f, 0x8b, 0x00]),
    ],
  ])('turns corrupt data into a SerializationError naming the key: %s', async (_, serializer, bytes) => {
    const { repo } = setup(serializer, new Map([['order:1', bytes]]));
    const error = await repo.get('order:1').catch((e: unknown) => e);
    expect(SerializationError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'E_SERIALIZATION', key: 'order:1' });
  });

  it('a repository switched from JSON to msgpack reads what JSON wrote, and raw strings', async () => {
    const before = setup(new JsonSerializer());
    await before.repo.set('order:42', order);
    await before.repo.set('counter', 5);
    before.store.set('greeting', Buffer.from('hello')); // written by another client

    const after = setup(new MsgpackSerializer(), before.store);
    expect(await after.repo.get('order:42')).toEqual(order);
    expect(await after.repo.get('counter')).toBe(5);
    expect(await after.repo.get('greeting')).toBe('hello');

    await after.repo.set('order:42', { ...order, status: 'baked' });
    expect(before.store.get('order:42')!.subarray(0, 3)).toEqual(Buffer.from([0xc1, 0x02, 0x00]));
    expect(await after.repo.get('order:42')).toEqual({ ...order, status: 'baked' });
  });

  it('switching back from msgpack to JSON fails loudly, naming the key', async () => {
    const msgpack = setup(new MsgpackSerializer());
    await msgpack.repo.set('order:42', order);
    const json = setup(new JsonSerializer(), msgpack.store);
    await expect(json.repo.get('order:42')).rejects.toMatchObject({
      code: 'E_SERIALIZATION',
      key: 'order:42',
      message: expect.stringMatching(/binary header/),
    });
  });

  it('a raw repository and another client see the same bytes', async () => {
    const { repo, store } = setup(new RawSerializer());
    await repo.set('session', 'abc');
    expect(store.get('session')!.toString()).toBe('abc');
    store.set('from-other-client', Buffer.from('xyz'));
    expect(await repo.get('from-other-client')).toBe('xyz');
  });
});
