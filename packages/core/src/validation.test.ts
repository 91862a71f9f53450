import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../test/random.js';
import { InvalidArgumentError } from './errors.js';
import type { ScoreBound } from './repository/options.js';
import {
  assertInteger,
  assertIntegerAtLeast,
  assertNonEmptyString,
  assertNotEmpty,
  assertOptions,
  assertSafeField,
  assertScore,
  formatScore,
  formatScoreBound,
  parseScore,
  recordFromPairs,
} from './validation.js';

/** Calls `fn` and returns what it threw. */
function thrown(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    return error as InvalidArgumentError;
  }
  throw new Error('expected a throw');
}

describe('assertInteger', () => {
  it.each([0, -0, 1, -5, 2 ** 31, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])(
    'accepts %d',
    (value) => {
      expect(() => assertInteger(value, 'start')).not.toThrow();
    },
  );

  it.each([
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    2 ** 53,
    '1',
    null,
    undefined,
    1n,
    Object(1),
  ])('rejects %o', (value) => {
    const error = thrown(() => assertInteger(value, 'start'));
    expect(error.argument).toBe('start');
    expect(error.message).toMatch(/^Invalid start: expected an integer, got /);
  });
});

describe('assertIntegerAtLeast', () => {
  it('accepts the minimum and above', () => {
    expect(() => assertIntegerAtLeast(0, 0, 'options.offset')).not.toThrow();
    expect(() => assertIntegerAtLeast(-1, -1, 'options.count')).not.toThrow();
    expect(() => assertIntegerAtLeast(10, 1, 'count')).not.toThrow();
  });

  it('rejects below the minimum, saying so', () => {
    const error = thrown(() => assertIntegerAtLeast(0, 1, 'count'));
    expect(error.argument).toBe('count');
    expect(error.message).toBe('Invalid count: expected an integer >= 1, got 0');
  });

  it('rejects non-integers as integers first', () => {
    expect(thrown(() => assertIntegerAtLeast(1.5, 1, 'count')).message).toContain(
      'expected an integer, got 1.5',
    );
    expect(thrown(() => assertIntegerAtLeast('2', 1, 'count')).message).toContain('got "2"');
  });
});

describe('assertNonEmptyString', () => {
  it.each(['a', ' ', '0', '😀'])('accepts %j', (value) => {
    expect(() => assertNonEmptyString(value, 'token')).not.toThrow();
  });

  it.each(['', null, undefined, 0, {}, ['a'], Symbol('a'), '\ud800', 'x\udfff'])('rejects %o', (value) => {
    expect(thrown(() => assertNonEmptyString(value, 'token')).argument).toBe('token');
  });
});

describe('assertScore', () => {
  it.each([0, -0, 1.5, -2, Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity])(
    'accepts %d',
    (value) => {
      expect(() => assertScore(value, 'score')).not.toThrow();
    },
  );

  it.each([Number.NaN, '1', null, undefined, 1n, Object(1)])('rejects %o', (value) => {
    const error = thrown(() => assertScore(value, 'entries[0].score'));
    expect(error.argument).toBe('entries[0].score');
    expect(error.message).toContain('expected a number');
  });
});

describe('assertNotEmpty', () => {
  it('accepts a non-empty list', () => {
    expect(() => assertNotEmpty([undefined], 'members')).not.toThrow();
  });

  it('rejects an empty list', () => {
    const error = thrown(() => assertNotEmpty([], 'members'));
    expect(error.argument).toBe('members');
    expect(error.message).toBe('Invalid members: expected at least one element');
  });
});

describe('assertOptions', () => {
  const allowed = { ttl: 'duration', nx: 'boolean', count: 'number', type: 'string', extra: 'any' } as const;

  it('accepts undefined, an empty object and valid options', () => {
    expect(() => assertOptions(undefined, allowed)).not.toThrow();
    expect(() => assertOptions({}, allowed)).not.toThrow();
    expect(() =>
      assertOptions({ ttl: '1h', nx: true, count: 10, type: 'hash', extra: [1, 2] }, allowed),
    ).not.toThrow();
  });

  it('skips options explicitly set to undefined', () => {
    expect(() => assertOptions({ nx: undefined, count: undefined }, allowed)).not.toThrow();
  });

  it('accepts any value for `any`, and a number or a string for `duration` (parsed later)', () => {
    expect(() => assertOptions({ ttl: 'soon', extra: Symbol('x') }, allowed)).not.toThrow();
    const error = thrown(() => assertOptions({ ttl: { not: 'a duration' } }, allowed));
    expect(error.argument).toBe('options.ttl');
    expect(error.message).toContain('expected a duration');
  });

  it.each([null, 'nx', 42, true, ['nx'], () => ({})])('rejects a non-object %o', (options) => {
    const error = thrown(() => assertOptions(options, allowed));
    expect(error.argument).toBe('options');
    expect(error.message).toContain('expected an options object');
  });

  it('rejects an unknown key (a typo), listing the known ones', () => {
    const error = thrown(() => assertOptions({ tll: '1h' }, allowed));
    expect(error.argument).toBe('options.tll');
    expect(error.message).toBe('Invalid options.tll: unknown option (known: ttl, nx, count, type, extra)');
  });

  it.each(['toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__'])(
    'rejects the inherited name %j as an unknown option',
    (name) => {
      const options = JSON.parse(`{"${name}": 1}`) as unknown;
      const error = thrown(() => assertOptions(options, allowed));
      expect(error.argument).toBe(`options.${name}`);
      expect(error.message).toContain('unknown option');
    },
  );

  it.each([
    [{ nx: 'yes' }, 'options.nx', 'expected a boolean, got "yes"'],
    [{ nx: 1 }, 'options.nx', 'expected a boolean, got 1'],
    [{ count: '10' }, 'options.count', 'expected a number, got "10"'],
    [{ count: null }, 'options.count', 'expected a number, got null'],
    [{ type: 5 }, 'options.type', 'expected a string, got 5'],
  ])('rejects %o with a wrong type', (options, argument, message) => {
    const error = thrown(() => assertOptions(options, allowed));
    expect(error.argument).toBe(argument);
    expect(error.message).toBe(`Invalid ${argument}: ${message}`);
  });

  it('uses the argument name it was given', () => {
    expect(thrown(() => assertOptions({ bogus: 1 }, allowed, 'config.retryPolicy')).argument).toBe(
      'config.retryPolicy.bogus',
    );
  });

  it('ignores symbol keys and non-enumerable properties', () => {
    const options = { nx: true, [Symbol('private')]: 1 };
    Object.defineProperty(options, 'hidden', { value: 1, enumerable: false });
    expect(() => assertOptions(options, allowed)).not.toThrow();
  });
});

describe('formatScore', () => {
  it.each([
    [0, '0'],
    [1, '1'],
    [1.5, '1.5'],
    [-2, '-2'],
    [0.1, '0.1'],
    [1e21, '1e+21'],
    [5e-324, '5e-324'],
    [Infinity, '+inf'],
    [-Infinity, '-inf'],
  ])('%d → %s', (score, text) => {
    expect(formatScore(score)).toBe(text);
  });
});

describe('parseScore', () => {
  it.each([
    ['inf', Infinity],
    ['+inf', Infinity],
    ['-inf', -Infinity],
    ['0', 0],
    ['1.5', 1.5],
    ['-3', -3],
    ['1e3', 1000],
    ['0.1', 0.1],
    ['9007199254740993', 9007199254740992],
    ['3.0000000000000004', 3.0000000000000004],
  ] as const)('parses the RESP2 string %j', (reply, score) => {
    expect(parseScore(reply)).toBe(score);
  });

  it.each([0, 1.5, -3, Infinity, -Infinity])('passes the RESP3 double %d through', (reply) => {
    expect(parseScore(reply)).toBe(reply);
  });

  it.each([
    [Buffer.from('2.5'), 2.5],
    [new Uint8Array([0x2d, 0x69, 0x6e, 0x66]), -Infinity], // "-inf"
    [new TextEncoder().encode('inf'), Infinity],
    [new TextEncoder().encode('+inf'), Infinity],
    [Buffer.from('xx42').subarray(2), 42], // a view into a larger buffer
  ] as const)('parses bytes %o', (reply, score) => {
    expect(parseScore(reply)).toBe(score);
  });

  it('round-trips formatScore for any double (seeded)', () => {
    const random = new SeededRandom(3);
    const view = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < 2000; i++) {
      view.setUint32(0, random.int(0, 0xffff_ffff));
      view.setUint32(4, random.int(0, 0xffff_ffff));
      const score = view.getFloat64(0);
      if (Number.isNaN(score)) continue;
      expect(parseScore(formatScore(score))).toBe(score === 0 ? 0 : score);
      expect(parseScore(Buffer.from(formatScore(score)))).toBe(score === 0 ? 0 : score);
    }
  });
});

describe('formatScoreBound', () => {
  it.each([
    [5, '5'],
    [-1.5, '-1.5'],
    [0, '0'],
    [Infinity, '+inf'],
    [-Infinity, '-inf'],
    ['-inf', '-inf'],
    ['+inf', '+inf'],
    ['(5', '(5'],
    ['(-5', '(-5'],
    ['(+5', '(+5'],
    ['(1.5', '(1.5'],
    ['(.5', '(.5'],
    ['(1.', '(1.'],
    ['(1e3', '(1e3'],
    ['(1E-3', '(1E-3'],
    ['(2.5e+10', '(2.5e+10'],
    ['(inf', '(inf'],
    ['(+inf', '(+inf'],
    ['(-inf', '(-inf'],
  ] as const)('accepts %o as %j', (bound, text) => {
    expect(formatScoreBound(bound as ScoreBound, 'min')).toBe(text);
  });

  it.each([
    Number.NaN,
    '5',
    'inf',
    '-Infinity',
    '(',
    '(abc',
    '((5',
    '( 5',
    '(5 ',
    '(--5',
    '(-',
    '(.',
    '(e5',
    '(0x10',
    '(Infinity',
    '(nan',
    '',
    null,
    undefined,
    {},
    [5],
    5n,
  ])('rejects %o, naming the argument', (bound) => {
    const error = thrown(() => formatScoreBound(bound as ScoreBound, 'max'));
    expect(error.argument).toBe('max');
  });
});

describe('recordFromPairs', () => {
  it('builds a record from pairs, the last duplicate winning', () => {
    expect(
      recordFromPairs([
        ['a', 1],
        ['b', 2],
        ['a', 3],
      ]),
    ).toEqual({ a: 3, b: 2 });
  });

  it('accepts any iterable: a Map, a generator', () => {
    expect(recordFromPairs(new Map([['x', 'y']]))).toEqual({ x: 'y' });
    function* pairs(): Generator<readonly [string, number]> {
      yield ['one', 1];
      yield ['two', 2];
    }
    expect(recordFromPairs(pairs())).toEqual({ one: 1, two: 2 });
    expect(recordFromPairs([])).toEqual({});
  });

  it('refuses a `__proto__` field, which Object.assign would turn into a prototype change', () => {
    const payload = { polluted: true };
    expect(() =>
      recordFromPairs<unknown>([
        ['name', 'margherita'],
        ['__proto__', payload],
      ]),
    ).toThrow(
      expect.objectContaining({ code: 'E_SERIALIZATION', message: expect.stringMatching(/__proto__/) }),
    );
    const target: Record<string, unknown> = {};
    try {
      Object.assign(target, recordFromPairs<unknown>([['__proto__', payload]]));
    } catch {
      // refused: nothing reaches the target
    }
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(target.polluted).toBeUndefined();
  });

  it('refuses a `constructor` field holding an object with a `prototype` key, as the JSON guard does', () => {
    expect(() => recordFromPairs<unknown>([['constructor', { prototype: { polluted: true } }]])).toThrow(
      expect.objectContaining({ code: 'E_SERIALIZATION' }),
    );
  });

  it('keeps `constructor`, `prototype` and `hasOwnProperty` fields as plain own data', () => {
    const record = recordFromPairs([
      ['constructor', 'c'],
      ['prototype', 'p'],
      ['hasOwnProperty', 'h'],
    ]);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.entries(record)).toEqual([
      ['constructor', 'c'],
      ['prototype', 'p'],
      ['hasOwnProperty', 'h'],
    ]);
    expect(Object.prototype.hasOwnProperty).toBeTypeOf('function');
  });
});

describe('assertSafeField', () => {
  it('accepts ordinary field names and values', () => {
    expect(() => assertSafeField('constructor', 'Bob', 'field')).not.toThrow();
    expect(() => assertSafeField('prototype', { a: 1 }, 'field')).not.toThrow();
    expect(() => assertSafeField('__proto', 1, 'field')).not.toThrow();
  });

  it('refuses to write a hash field that hgetall would refuse to read', () => {
    expect(thrown(() => assertSafeField('__proto__', 1, 'field')).argument).toBe('field');
    expect(thrown(() => assertSafeField('constructor', { prototype: {} }, 'fields')).argument).toBe('fields');
  });
});
