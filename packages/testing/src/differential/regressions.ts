import type { DifferentialRegression } from './differential-command.js';

/**
 * Sequences on which the fake and Redis once disagreed, shrunk by fast-check. Each runs on every
 * backend that runs the differential suite, so a fixed divergence cannot come back.
 */
export const DIFFERENTIAL_REGRESSIONS: readonly DifferentialRegression[] = [
  {
    name: 'lmove from a missing source answers null even to a destination of another type (the fake said WRONGTYPE)',
    commands: [
      { r: 0, op: 'setIfAbsent', args: ['b', 't1', '1m'] },
      { r: 0, op: 'lmove', args: ['a', 'b', 'left', 'left'] },
      { r: 0, op: 'getdel', args: ['a'] },
    ],
  },
  {
    name: 'a non-ASCII lock token is stored as UTF-8 bytes (the fake stored UTF-16 code units)',
    commands: [
      { r: 0, op: 'setIfAbsent', args: ['a', 'é', '1m'] },
      { r: 0, op: 'setIfAbsent', args: ['b', '"é"', '1m'] },
      { r: 0, op: 'get', args: ['b'] },
      { r: 0, op: 'set', args: ['c', 'é'] },
      { r: 0, op: 'compareAndExpire', args: ['c', '"é"', '1h'] },
      { r: 0, op: 'compareAndDelete', args: ['c', '"é"'] },
    ],
  },
  {
    name: 'a score of -0 is stored as 0 (the fake kept -0)',
    commands: [
      {
        r: 0,
        op: 'zadd',
        args: [
          'a',
          [
            { member: 0, score: -0 },
            { member: null, score: 0.5 },
          ],
        ],
      },
      { r: 0, op: 'zscore', args: ['a', 0] },
    ],
  },
  {
    name: 'a second listener on a subscribed channel heard a message published before it subscribed (driver)',
    commands: [
      { r: 0, op: 'subscribe', args: ['news'] },
      { r: 0, op: 'publish', args: ['news', 'm'] },
      { r: 0, op: 'subscribe', args: ['news'] },
      { r: 0, op: 'publish', args: ['news', 'é'] },
    ],
  },
  {
    name: 'a semaphore on a sorted set with a foreign member scored 1e21 (Lua turns numbers into integers and text)',
    commands: [
      { r: 0, op: 'zincrby', args: ['a', 1e21, 0] },
      { r: 0, op: 'acquireSemaphore', args: ['a', 't1', 1, 1], settle: 11 },
      { r: 0, op: 'acquireSemaphore', args: ['a', 't1', 2, '1m'] },
      { r: 0, op: 'zrange', args: ['a', 0, -1, { withScores: true }] },
    ],
  },
  {
    name: 'semaphore leases read with zrange are compared as time left, not as clock readings (harness)',
    commands: [
      { r: 0, op: 'acquireSemaphore', args: ['a', '"x"', 1, '1m'] },
      { r: 0, op: 'zrevrange', args: ['a', 0, 0, { withScores: true }] },
    ],
  },
  {
    name: 'two leases of one semaphore with the same duration are read in the order they were taken on both sides (harness: the fake clock stood still, the server clock ran on)',
    commands: [
      { r: 0, op: 'acquireSemaphore', args: ['b', 't1', 2, 1_800_000] },
      { r: 0, op: 'acquireSemaphore', args: ['b', '1', 2, 1_800_000] },
      { r: 1, op: 'zrange', args: ['b', 0, -1] },
    ],
  },
  {
    name: 'keys and fields with lone surrogates are one name once UTF-8 encoded (the fake kept them apart)',
    commands: [
      { r: 0, op: 'set', args: ['a\ud800', 1] },
      { r: 0, op: 'get', args: ['a\udc00'] },
      { r: 0, op: 'hset', args: ['h', [['\ud800', 1]]] },
      { r: 0, op: 'hget', args: ['h', '\udc00'] },
      { r: 0, op: 'hkeys', args: ['h'] },
    ],
  },
  {
    name: 'an exclusive bound spelled (INF is infinity (the fake read NaN and matched nothing)',
    commands: [
      {
        r: 0,
        op: 'zadd',
        args: [
          'a',
          [
            { member: 'x', score: 1 },
            { member: 'y', score: Infinity },
          ],
        ],
      },
      { r: 0, op: 'zrangebyscore', args: ['a', '-inf', '(INF'] },
      { r: 0, op: 'zrangebyscore', args: ['a', '(-INF', '+inf', { withScores: true }] },
    ],
  },
];
