import type { Serializer } from '@forno/core';
import { type Command, Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisRepository } from './redis-repository.js';

/**
 * Argument encoding, checked without a server: a real ioredis client whose `sendCommand` records
 * each Command ioredis builds and answers with a canned reply. The same operations run against a
 * real redis-server in the integration suite (the contract); here we pin down the exact wire
 * arguments. (ioredis-mock is not used: it has no `call`/`callBuffer`/`sendCommand`, which Forno
 * relies on under ioredis 6.)
 */
interface Sent {
  name: string;
  args: string[];
}

function recordingRepository(
  replies: Record<string, unknown> = {},
  serializer?: Serializer,
  autoPipelining = false,
) {
  const client = new Redis({ lazyConnect: true, enableAutoPipelining: autoPipelining });
  const sent: Sent[] = [];
  client.sendCommand = ((command: Command) => {
    sent.push({
      name: command.name.toUpperCase(),
      args: command.args.map((arg) =>
        Buffer.isBuffer(arg) ? `<buffer ${arg.toString('hex')}>` : String(arg),
      ),
    });
    const name = command.name.toUpperCase();
    const reply = name in replies ? replies[name] : 'OK';
    (command.resolve as (value: unknown) => void)(typeof reply === 'function' ? reply(command) : reply);
    return command.promise;
  }) as never;
  const repo = new RedisRepository(client, { keyPrefix: 'app:', ...(serializer ? { serializer } : {}) });
  return { repo, sent, client };
}

let clients: Redis[] = [];
afterEach(() => {
  for (const client of clients) client.disconnect();
  clients = [];
});

function setup(replies?: Record<string, unknown>, serializer?: Serializer, autoPipelining = false) {
  const recording = recordingRepository(replies, serializer, autoPipelining);
  clients.push(recording.client);
  return recording;
}

describe('argument encoding', () => {
  it('set: prefix, JSON value, PX, NX / XX / KEEPTTL', async () => {
    const { repo, sent } = setup();
    await repo.set('menu:1', { name: 'Margherita' }, { ttl: '1.5s', nx: true });
    await repo.set('menu:2', 7, { xx: true, keepTtl: true });
    expect(sent).toEqual([
      { name: 'SET', args: ['app:menu:1', '{"name":"Margherita"}', 'PX', '1500', 'NX'] },
      { name: 'SET', args: ['app:menu:2', '7', 'KEEPTTL', 'XX'] },
    ]);
  });

  it('a failed NX set (nil reply) reports false', async () => {
    const { repo } = setup({ SET: null });
    expect(await repo.set('k', 1, { nx: true })).toBe(false);
  });

  it('hset flattens fields and serializes each value', async () => {
    const { repo, sent } = setup({ HSET: 2 });
    expect(await repo.hset('session:c1', { cart: ['a'], n: 1 })).toBe(2);
    expect(sent).toEqual([{ name: 'HSET', args: ['app:session:c1', 'cart', '["a"]', 'n', '1'] }]);
  });

  it('zadd: flags first, then score/member pairs, infinities as +inf/-inf', async () => {
    const { repo, sent } = setup({ ZADD: 2 });
    await repo.zadd(
      'board',
      [
        { member: 'a', score: Number.POSITIVE_INFINITY },
        { member: 'b', score: -1.5 },
      ],
      { gt: true, ch: true },
    );
    expect(sent).toEqual([{ name: 'ZADD', args: ['app:board', 'GT', 'CH', '+inf', '"a"', '-1.5', '"b"'] }]);
  });

  it('zrange variants map to ZRANGE with REV, BYSCORE, LIMIT and WITHSCORES', async () => {
    const { repo, sent } = setup({ ZRANGE: [] });
    await repo.zrevrange('q', 0, 9, { withScores: true });
    await repo.zrangebyscore('q', '(1', '+inf', { offset: 2, count: 3 });
    expect(sent).toEqual([
      { name: 'ZRANGE', args: ['app:q', '0', '9', 'REV', 'WITHSCORES'] },
      { name: 'ZRANGE', args: ['app:q', '(1', '+inf', 'BYSCORE', 'LIMIT', '2', '3'] },
    ]);
  });

  it('scores come back as numbers from flat, nested and infinite replies', async () => {
    const flat = setup({ ZRANGE: ['"a"', '1.5', '"b"', 'inf'], ZSCORE: '-inf' });
    expect(await flat.repo.zrange('q', 0, -1, { withScores: true })).toEqual([
      { member: 'a', score: 1.5 },
      { member: 'b', score: Number.POSITIVE_INFINITY },
    ]);
    expect(await flat.repo.zscore('q', 'b')).toBe(Number.NEGATIVE_INFINITY);
    const nested = setup({ ZPOPMIN: [['"a"', '2']] });
    expect(await nested.repo.zpopmin('q')).toEqual([{ member: 'a', score: 2 }]);
  });

  it('scan builds its MATCH from the escaped prefix and follows the cursor', async () => {
    let call = 0;
    // Keys are read as Buffers (a key may not be valid UTF-8), as a real server answers SCAN then.
    const page = (cursor: string, key: string) => [Buffer.from(cursor), [Buffer.from(key)]];
    const { repo, sent } = setup({ SCAN: () => (call++ === 0 ? page('7', 'app:a') : page('0', 'app:b')) });
    const keys: string[] = [];
    for await (const key of repo.scan('menu:*', { count: 50, type: 'hash' })) keys.push(key);
    expect(keys).toEqual(['a', 'b']);
    expect(sent).toEqual([
      { name: 'SCAN', args: ['0', 'MATCH', 'app:menu:*', 'COUNT', '50', 'TYPE', 'hash'] },
      { name: 'SCAN', args: ['7', 'MATCH', 'app:menu:*', 'COUNT', '50', 'TYPE', 'hash'] },
    ]);
  });

  it('mset with a ttl sends one SET PX per key; without, one MSET', async () => {
    const { repo, sent } = setup();
    await repo.mset({ a: 1, b: 2 }, { ttl: '1m' });
    await repo.mset({ c: 3 });
    expect(sent).toEqual([
      { name: 'SET', args: ['app:a', '1', 'PX', '60000'] },
      { name: 'SET', args: ['app:b', '2', 'PX', '60000'] },
      { name: 'MSET', args: ['app:c', '3'] },
    ]);
  });

  it('lock scripts: fenced acquire passes the lock key, its fence key and its waiters key (same slot), release the channel', async () => {
    const { repo, sent } = setup({ EVALSHA: [1, 42] });
    expect(await repo.setIfAbsent('order_lock:1', 'tok', '30s', { fencing: true })).toEqual({
      acquired: true,
      fencingToken: 42,
    });
    expect(sent[0]?.name).toBe('EVALSHA');
    expect(sent[0]?.args.slice(1)).toEqual([
      '3',
      'app:order_lock:1',
      'app:{app:order_lock:1}:fence',
      'app:order_lock:1', // no waiter: the script leaves the waiters set alone
      'tok',
      '30000',
      '', // no handoff to claim
      '', // no waiter to register
    ]);
    const waiting = setup({ EVALSHA: [0, 900] });
    await waiting.repo.setIfAbsent('order_lock:1', 'tok', '30s', {
      fencing: true,
      claimHandoff: true,
      waiter: 'w1',
    });
    expect(waiting.sent[0]?.args.slice(1)).toEqual([
      '3',
      'app:order_lock:1',
      'app:{app:order_lock:1}:fence',
      'app:{app:order_lock:1}:waiters',
      'tok',
      '30000',
      '1',
      'w1',
    ]);
    const release = setup({ EVALSHA: 1 });
    expect(await release.repo.compareAndDelete('order_lock:1', 'tok', { notify: 'released' })).toBe(true);
    expect(release.sent[0]?.args.slice(1)).toEqual([
      '2',
      'app:order_lock:1',
      'app:{app:order_lock:1}:waiters',
      'tok',
      'app:released',
      '', // PUBLISH, not SPUBLISH
      '0', // no handoff reservation
    ]);
    const held = setup({ EVALSHA: [0, 1234] });
    expect(await held.repo.setIfAbsent('order_lock:1', 'tok', 1000)).toEqual({
      acquired: false,
      remainingTtl: 1234,
    });
  });

  it('a binary serializer sends Buffers and reads replies as Buffers', async () => {
    const bytes: Serializer = {
      name: 'bytes',
      format: 'binary',
      serialize: (value) => Buffer.from(String(value)),
      deserialize: (payload) =>
        Buffer.isBuffer(payload) ? `buffer:${payload.toString()}` : `string:${String(payload)}`,
    };
    const { repo, sent } = setup({ GET: Buffer.from('hi'), SET: 'OK' }, bytes);
    await repo.set('k', 'v');
    expect(await repo.get('k')).toBe('buffer:hi');
    expect(sent[0]).toEqual({ name: 'SET', args: ['app:k', `<buffer ${Buffer.from('v').toString('hex')}>`] });
  });

  it('with auto-pipelining on, every binary read sends its command name, then the prefixed key', async () => {
    const bytes: Serializer = {
      name: 'bytes',
      format: 'binary',
      serialize: (value) => Buffer.from(String(value)),
      deserialize: (payload) => String(payload),
    };
    const { repo, sent } = setup({}, bytes, true);
    // Replies are canned ('OK'); only the wire arguments matter here.
    const reads: Array<[string, () => Promise<unknown>]> = [
      ['GET', () => repo.get('k')],
      ['MGET', () => repo.mget(['k', 'k2'])],
      ['HGET', () => repo.hget('k', 'f')],
      ['LRANGE', () => repo.lrange('k', 0, -1)],
      ['LPOP', () => repo.lpop('k')],
      ['SMEMBERS', () => repo.smembers('k')],
      ['SINTER', () => repo.sinter(['k', 'k2'])],
      ['ZRANGE', () => repo.zrevrange('k', 0, 2)],
      ['ZPOPMAX', () => repo.zpopmax('k')],
    ];
    for (const [name, read] of reads) {
      sent.length = 0;
      await read().catch(() => undefined);
      expect(sent[0], name).toMatchObject({ name, args: expect.arrayContaining(['app:k']) });
      expect(sent[0]?.args[0], name).toBe('app:k');
    }
  });
});
