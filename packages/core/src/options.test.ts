import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from './errors.js';
import {
  assertKnownOptions,
  choiceOption,
  durationOption,
  functionOption,
  integerOption,
  numberOption,
  strategyOption,
  ttlOption,
} from './options.js';

/** What `fn` threw, as `{ code, argument, message }`. */
function failure(fn: () => unknown): { code: string; argument: string; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    const { code, argument, message } = error as InvalidConfigError;
    return { code, argument: argument as string, message };
  }
  throw new Error('expected a throw');
}

describe('assertKnownOptions', () => {
  it('accepts undefined and objects of known fields, undefined values included', () => {
    expect(() => assertKnownOptions(undefined, ['a'])).not.toThrow();
    expect(() => assertKnownOptions({ a: 1 }, ['a', 'b'])).not.toThrow();
    expect(() => assertKnownOptions({ a: undefined }, { a: 'number' })).not.toThrow();
    expect(() => assertKnownOptions({ a: 'x', f: () => 1 }, { a: 'any', f: 'function' })).not.toThrow();
  });

  it('names an unknown field options.<field> and lists the known ones', () => {
    expect(failure(() => assertKnownOptions({ treshold: 1 }, ['threshold'], 'Breaker'))).toEqual({
      code: 'E_INVALID_CONFIG',
      argument: 'options.treshold',
      message: 'Invalid options.treshold: unknown Breaker option (known: threshold)',
    });
    expect(failure(() => assertKnownOptions({ toString: 1 }, { a: 'number' })).argument).toBe(
      'options.toString',
    );
  });

  it('names a value of the wrong type, and a non-object as options', () => {
    expect(failure(() => assertKnownOptions({ a: '1' }, { a: 'number' })).message).toBe(
      'Invalid options.a: expected a number, got "1"',
    );
    for (const options of [null, 5, 'x', [1]]) {
      expect(failure(() => assertKnownOptions(options, ['a'], 'X')).argument).toBe('options');
    }
  });
});

describe('field readers', () => {
  it('return the fallback for undefined and the value when valid', () => {
    expect(integerOption(undefined, 'n', 1, 7)).toBe(7);
    expect(integerOption(3, 'n', 1, 7)).toBe(3);
    expect(numberOption(0.5, 'r', { min: 0, max: 1 }, 1)).toBe(0.5);
    expect(durationOption('2s', 'd', 0)).toBe(2_000);
    expect(durationOption(undefined, 'd', '1m')).toBe(60_000);
    expect(ttlOption(undefined, 'ttl')).toBeUndefined();
    expect(ttlOption('1.5ms', 'ttl')).toBe(2);
    const fn = () => 1;
    expect(functionOption(fn, 'f', undefined)).toBe(fn);
    const strategy = { run: () => 1 };
    expect(strategyOption(strategy, 's', ['run'])).toBe(strategy);
    expect(choiceOption('b', 'c', ['a', 'b'] as const, 'a')).toBe('b');
    expect(choiceOption(undefined, 'c', ['a', 'b'] as const, 'a')).toBe('a');
  });

  it.each([
    ['integer below min', () => integerOption(0, 'n', 1, 7, 'X'), 'X needs an integer >= 1, got 0'],
    [
      'integer above max',
      () => integerOption(10, 'n', 1, 7, undefined, 9),
      'expected an integer from 1 to 9, got 10',
    ],
    ['fraction', () => integerOption(1.5, 'n', 1, 7), 'expected an integer >= 1, got 1.5'],
    [
      'number out of range',
      () => numberOption(2, 'n', { min: 0, max: 1 }, 1),
      'expected a number >= 0 and <= 1, got 2',
    ],
    [
      'exclusive minimum',
      () => numberOption(0, 'n', { min: 0, minExclusive: true }, 1),
      'expected a number > 0, got 0',
    ],
    [
      'bad duration',
      () => durationOption('soon', 'n', 0),
      `expected milliseconds or a string like '100ms' or '60s', got "soon"`,
    ],
    [
      'zero TTL',
      () => ttlOption(0, 'n'),
      `expected a TTL greater than zero, in milliseconds or a string like '30s' or '24h', got 0`,
    ],
    [
      'not a function',
      () => functionOption(5, 'n', undefined, 'X', 'Pass a predicate.'),
      'X needs a function, got 5. Pass a predicate.',
    ],
    [
      'missing method',
      () => strategyOption({}, 'n', ['run']),
      'expected an object with run methods, got an object',
    ],
    ['unknown choice', () => choiceOption('c', 'n', ['a', 'b'], 'a'), `expected one of 'a', 'b', got "c"`],
  ])('rejects %s as options.<field>', (_, fn, message) => {
    expect(failure(fn)).toEqual({
      code: 'E_INVALID_CONFIG',
      argument: 'options.n',
      message: `Invalid options.n: ${message}`,
    });
  });
});
