import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../test/random.js';
import { type Duration, describeValue, parseDuration, parseTtl } from './duration.js';
import { InvalidArgumentError } from './errors.js';

/** Calls `fn` and returns what it threw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** Values that are not durations at all, with how the error describes them. */
const INVALID: ReadonlyArray<readonly [label: string, value: unknown]> = [
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['-1', -1],
  ['-0.5', -0.5],
  ['-Number.MIN_VALUE', -Number.MIN_VALUE],
  ["''", ''],
  ["'   '", '   '],
  ["'10' (no unit)", '10'],
  ["'5 minutes'", '5 minutes'],
  ["'1e3s' (exponent)", '1e3s'],
  ["'30 s' (inner space)", '30 s'],
  ["'-1s'", '-1s'],
  ["'+1s'", '+1s'],
  ["'1.s'", '1.s'],
  ["'s'", 's'],
  ["'ms'", 'ms'],
  ["'1.5.5s'", '1.5.5s'],
  ["'30S' (units are lower-case)", '30S'],
  ["'1w'", '1w'],
  ["'10sec'", '10sec'],
  ["'Infinityms'", 'Infinityms'],
  ["'NaNs'", 'NaNs'],
  ["'0x10ms'", '0x10ms'],
  ["'1_000ms'", '1_000ms'],
  ["'٣s' (non-ASCII digit)", '٣s'],
  ['a 400-digit string', `${'9'.repeat(400)}ms`],
  ['{}', {}],
  ['[]', []],
  ['null', null],
  ['undefined', undefined],
  ['true', true],
  ['10n', 10n],
  ['a function', () => 10],
  ['a boxed number', Object(5)],
  ['a Date', new Date(0)],
];

describe('parseDuration', () => {
  it.each([
    [0, 0],
    [1, 1],
    [1.5, 1.5],
    [500, 500],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    ['0ms', 0],
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['.5s', 500],
    ['0.5ms', 0.5],
    ['15m', 900_000],
    ['4h', 14_400_000],
    ['7d', 604_800_000],
    ['1.25h', 4_500_000],
    ['0.07s', 70],
    ['4.03s', 4_030], // not 4030.0000000000005
    ['4.35m', 261_000], // not 260999.99999999997
    ['0.001s', 1],
    ['1.10s', 1_100],
    ['2.000m', 120_000],
    ['1.50000000000000000000s', 1_500],
    ['90602.8981d', 7_828_090_395_840], // beyond 2^53 before the division
    ['007s', 7_000],
    [' 30s ', 30_000],
    ['\t4h\n', 14_400_000],
  ] as const)('%j → %j ms', (duration, ms) => {
    expect(parseDuration(duration as Duration)).toBe(ms);
  });

  it('returns +0 for -0', () => {
    expect(Object.is(parseDuration(-0), 0)).toBe(true);
  });

  it.each(INVALID)('rejects %s with E_INVALID_ARGUMENT naming the argument', (_, value) => {
    const error = thrown(() => parseDuration(value as Duration, 'options.commandTimeout'));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'E_INVALID_ARGUMENT', argument: 'options.commandTimeout' });
    expect((error as Error).message).toMatch(/^Invalid options\.commandTimeout: /);
  });

  it('names the argument `duration` by default', () => {
    expect(thrown(() => parseDuration('soon' as Duration))).toMatchObject({ argument: 'duration' });
  });

  it('says what it got and what it expected', () => {
    expect(thrown(() => parseDuration('5 minutes' as Duration))).toMatchObject({
      message: `Invalid duration: expected milliseconds or a string like '500ms', '30s', '4h' or '7d', got "5 minutes"`,
    });
    expect(thrown(() => parseDuration(-1))).toMatchObject({
      message: 'Invalid duration: expected a finite, non-negative duration, got -1',
    });
    expect(thrown(() => parseDuration({} as Duration))).toMatchObject({
      message: expect.stringMatching(/got an object$/),
    });
  });

  it('computes decimal strings exactly (seeded property check against BigInt arithmetic)', () => {
    const random = new SeededRandom(86_400);
    const units = [
      ['ms', 1n],
      ['s', 1_000n],
      ['m', 60_000n],
      ['h', 3_600_000n],
      ['d', 86_400_000n],
    ] as const;
    for (let i = 0; i < 5000; i++) {
      const integer = String(random.int(0, 99_999));
      const fraction = random.string(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], 0, 4);
      const [unit, unitMs] = random.pick(units);
      const text = `${integer}${fraction ? `.${fraction}` : ''}${unit}`;
      const scale = 10n ** BigInt(fraction.length);
      const numerator = BigInt(integer + fraction) * unitMs;
      const ceil = (numerator + scale - 1n) / scale;
      // exact when the result is an integer; the TTL is always the exact ceiling
      if (numerator % scale === 0n)
        expect(parseDuration(text as Duration), text).toBe(Number(numerator / scale));
      if (ceil > 0n) expect(parseTtl(text as Duration), text).toBe(Number(ceil));
    }
  });
});

describe('parseTtl', () => {
  it.each([
    [1, 1],
    [0.1, 1],
    [1.0001, 2],
    [999.5, 1000],
    ['0.5ms', 1],
    ['1.5s', 1_500],
    ['4.03s', 4_030], // rounding up the float 4030.0000000000005 would give 4031
    ['16.19s', 16_190],
    ['4.35m', 261_000],
    ['24h', 86_400_000],
    ['1.0000000000000000001ms', 2], // exact ceiling, even below float precision
    ['0.0000000000000000001ms', 1],
    ['90602.8981d', 7_828_090_395_840],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ] as const)('%j → %j ms (whole, rounded up)', (ttl, ms) => {
    expect(parseTtl(ttl as Duration)).toBe(ms);
  });

  it.each([[0], [-0], ['0ms'], ['0s'], ['.0s'], ['0.000d']] as const)('rejects a zero TTL %j', (ttl) => {
    const error = thrown(() => parseTtl(ttl as Duration));
    expect(error).toMatchObject({ code: 'E_INVALID_ARGUMENT', argument: 'ttl' });
    expect((error as Error).message).toContain('greater than zero');
  });

  it.each([[Number.MAX_SAFE_INTEGER + 2], [1e300], ['99999999999999999999ms'], ['999999999999d']] as const)(
    'rejects a TTL too large to send as an exact integer: %j',
    (ttl) => {
      expect(thrown(() => parseTtl(ttl as Duration))).toMatchObject({
        code: 'E_INVALID_ARGUMENT',
        argument: 'ttl',
      });
    },
  );

  it.each(INVALID)('rejects %s', (_, value) => {
    expect(thrown(() => parseTtl(value as Duration, 'options.ttl'))).toMatchObject({
      code: 'E_INVALID_ARGUMENT',
      argument: 'options.ttl',
    });
  });
});

describe('describeValue', () => {
  it.each([
    ['abc', '"abc"'],
    ['', '""'],
    ['a"b', '"a\\"b"'],
    ['x'.repeat(60), JSON.stringify('x'.repeat(60))],
    ['x'.repeat(61), JSON.stringify(`${'x'.repeat(57)}...`)],
    [42, '42'],
    [Number.NaN, 'NaN'],
    [-Infinity, '-Infinity'],
    [true, 'true'],
    [null, 'null'],
    [undefined, 'undefined'],
    [10n, '10n'],
    [[1, 2, 3], 'an array of 3'],
    [{}, 'an object'],
    [new Map(), 'an object'],
    [() => 1, 'a function'],
    [Symbol('s'), 'a symbol'],
  ])('%o → %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});
