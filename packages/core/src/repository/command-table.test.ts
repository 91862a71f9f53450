import { describe, expect, it } from 'vitest';
import {
  COMMAND_NAMES,
  COMMAND_TABLE,
  commandRow,
  isCommandIdempotent,
  isIdempotent,
  keysOfCall,
} from './command-table.js';
import { ITERATOR_COMMANDS, REPOSITORY_COMMANDS } from './forwarding-commands.js';
import { RAW_OPERATIONS } from './instrument-raw-commands.js';

/** Calls that must never be sent twice: a repeat after a lost reply changes the data or the answer. */
const NOT_IDEMPOTENT: ReadonlyArray<readonly [string, unknown[]]> = [
  ['incrby', ['n', 1]],
  ['hincrby', ['h', 'n', 1]],
  ['zincrby', ['z', 1, 'm']],
  ['lpush', ['l', ['a']]],
  ['rpush', ['l', ['a']]],
  ['lpop', ['l']],
  ['rpop', ['l']],
  ['ltrim', ['l', 1, -1]],
  ['zpopmin', ['z']],
  ['zpopmax', ['z']],
  ['zremrangebyrank', ['z', 0, 0]],
  ['set', ['k', 1, { nx: true }]],
  ['set', ['k', 1, { xx: true }]],
  ['setIfAbsent', ['lock', 't', '1s']],
  ['compareAndExpire', ['lock', 't', '1s']],
  ['acquireSemaphore', ['sem', 't', 2, '1s']],
  ['extendSemaphore', ['sem', 't', '1s']],
  ['publish', ['ch', 'm']],
  ['flushdb', []],
  ['xadd', ['s', { n: 1 }]],
  ['xgroupCreate', ['s', 'g']],
  ['xreadgroup', ['s', 'g', 'c']],
  ['xautoclaim', ['s', 'g', 'c', 1000]],
];
const IDEMPOTENT: ReadonlyArray<readonly [string, unknown[]]> = [
  ['get', ['k']],
  ['hgetall', ['h']],
  ['set', ['k', 1]],
  ['set', ['k', 1, { ttl: '1s' }]],
  ['mset', [{ a: 1 }]],
  ['delete', ['k']],
  ['expire', ['k', '1s']],
  ['hset', ['h', 'f', 1]],
  ['sadd', ['s', ['m']]],
  ['zadd', ['z', [{ member: 'm', score: 1 }]]],
  ['compareAndDelete', ['lock', 't']],
  ['releaseSemaphore', ['sem', 't']],
  ['xrange', ['s']],
  ['xack', ['s', 'g', '1-0']],
  ['xpending', ['s', 'g']],
];

type Name = (typeof COMMAND_NAMES)[number];

describe('the command table', () => {
  it.each(NOT_IDEMPOTENT)('%s %j is not idempotent', (name, args) => {
    expect(isCommandIdempotent(name as Name, args)).toBe(false);
  });

  it.each(IDEMPOTENT)('%s %j is idempotent', (name, args) => {
    expect(isCommandIdempotent(name as Name, args)).toBe(true);
  });

  it('classifies raw commands as the repository commands that send them', () => {
    expect(isIdempotent('get', ['k'])).toBe(true);
    expect(isIdempotent('set', ['k', 'v', {}])).toBe(true);
    expect(isIdempotent('set', ['k', 'v', { px: 10 }])).toBe(true);
    expect(isIdempotent('set', ['k', 'v', { nx: true }])).toBe(false);
    expect(isIdempotent('set', ['k', 'v', { xx: true }])).toBe(false);
    expect(isIdempotent('pexpire', ['k', 10])).toBe(true);
    expect(isIdempotent('zrangeWithScores', ['z', 0, -1, false])).toBe(true);
    expect(isIdempotent('unlink', [['k']])).toBe(true);
    expect(isIdempotent('scan', ['*', 10, undefined])).toBe(true);
    expect(isIdempotent('setIfAbsent', ['k', 't', 10, undefined])).toBe(false);
    expect(isIdempotent('zpopmin', ['z', 1])).toBe(false);
  });

  it('names the keys of a call, relative to the prefix', () => {
    expect(keysOfCall('get', ['k'])).toEqual(['k']);
    expect(keysOfCall('delete', ['a', 'b'])).toEqual(['a', 'b']);
    expect(keysOfCall('delete', [['a', 'b']])).toEqual(['a', 'b']);
    expect(keysOfCall('mget', [['a', 1, 'b']])).toEqual(['a', 'b']);
    expect(keysOfCall('mset', [{ a: 1, b: 2 }])).toEqual(['a', 'b']);
    expect(keysOfCall('mset', [[['a', 1]]])).toEqual(['a']);
    expect(keysOfCall('deletePattern', ['menu:*'])).toEqual([]);
    expect(keysOfCall('get', [42])).toEqual([]);
  });

  it('tells the fallback mirror what a write stored, once acknowledged', () => {
    expect(commandRow('set').stored?.(['k', { a: 1 }, { ttl: '2s' }], true)).toEqual([
      { key: 'k', value: { a: 1 }, ttlMs: 2_000 },
    ]);
    expect(commandRow('set').stored?.(['k', 1, { nx: true }], false)).toEqual([]);
    const entries = new Map([['a', 1]]);
    const args = commandRow('mset').normalize?.([entries]) ?? [];
    expect(commandRow('mset').stored?.(args, undefined)).toEqual([{ key: 'a', value: 1, ttlMs: undefined }]);
  });

  it('is what forwarding and instrumentation derive their lists from', () => {
    expect([...REPOSITORY_COMMANDS, ...ITERATOR_COMMANDS].sort()).toEqual([...COMMAND_NAMES].sort());
    const reported = new Set(
      COMMAND_NAMES.flatMap((name) => (COMMAND_TABLE[name].metric === 'none' ? [] : COMMAND_TABLE[name].raw)),
    );
    expect([...RAW_OPERATIONS.keys()].sort()).toEqual([...reported].sort());
    for (const [, { operation }] of RAW_OPERATIONS) expect(COMMAND_NAMES).toContain(operation);
  });
});
