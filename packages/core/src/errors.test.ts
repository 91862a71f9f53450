import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CacheAuthError,
  CacheError,
  CacheTimeoutError,
  CacheTlsError,
  CacheUnavailableError,
  CommandError,
  CrossSlotError,
  EntityExistsError,
  EntityNotFoundError,
  ForbiddenOperationError,
  InvalidArgumentError,
  InvalidConfigError,
  isCacheError,
  PayloadTooLargeError,
  SerializationError,
  WrongTypeError,
} from './errors.js';

const BRAND = Symbol.for('forno.error.codes');

/** What the table needs of an error class (their constructors differ). */
interface AnyErrorClass {
  readonly code: string;
  readonly name: string;
  is(value: unknown): boolean;
}

/** Every error class with its code and the codes of its ancestors. */
const CLASSES: ReadonlyArray<readonly [AnyErrorClass, string, readonly string[], () => CacheError]> = [
  [CacheError, 'E_CACHE', [], () => new CacheError('boom')],
  [CacheUnavailableError, 'E_CACHE_UNAVAILABLE', ['E_CACHE'], () => new CacheUnavailableError('down')],
  [CacheTimeoutError, 'E_CACHE_TIMEOUT', ['E_CACHE'], () => new CacheTimeoutError('slow')],
  [
    CacheAuthError,
    'E_CACHE_AUTH',
    ['E_CACHE_UNAVAILABLE', 'E_CACHE'],
    () => new CacheAuthError('WRONGPASS', 'the server rejected the credentials'),
  ],
  [
    CacheTlsError,
    'E_CACHE_TLS',
    ['E_CACHE_UNAVAILABLE', 'E_CACHE'],
    () => new CacheTlsError('SELF_SIGNED_CERT_IN_CHAIN', 'the certificate is not trusted'),
  ],
  [
    InvalidArgumentError,
    'E_INVALID_ARGUMENT',
    ['E_CACHE'],
    () => new InvalidArgumentError('ttl', 'expected a number'),
  ],
  [
    InvalidConfigError,
    'E_INVALID_CONFIG',
    ['E_INVALID_ARGUMENT', 'E_CACHE'],
    () => new InvalidConfigError('host', 'expected a string'),
  ],
  [SerializationError, 'E_SERIALIZATION', ['E_CACHE'], () => new SerializationError('bad bytes')],
  [
    PayloadTooLargeError,
    'E_PAYLOAD_TOO_LARGE',
    ['E_SERIALIZATION', 'E_CACHE'],
    () => new PayloadTooLargeError('too big'),
  ],
  [WrongTypeError, 'E_WRONG_TYPE', ['E_CACHE'], () => new WrongTypeError('WRONGTYPE')],
  [CrossSlotError, 'E_CROSS_SLOT', ['E_CACHE'], () => new CrossSlotError('CROSSSLOT')],
  [CommandError, 'E_COMMAND', ['E_CACHE'], () => new CommandError('ERR')],
  [ForbiddenOperationError, 'E_FORBIDDEN_OPERATION', ['E_CACHE'], () => new ForbiddenOperationError('no')],
  [EntityExistsError, 'E_ENTITY_EXISTS', ['E_CACHE'], () => new EntityExistsError('exists')],
  [EntityNotFoundError, 'E_ENTITY_NOT_FOUND', ['E_CACHE'], () => new EntityNotFoundError('missing')],
];

describe.each(CLASSES)('%o', (Class, code, ancestors, make) => {
  it(`has the stable code ${code} (static and on instances)`, () => {
    expect(Class.code).toBe(code);
    expect(make().code).toBe(code);
  });

  it('is named after its class and is a real Error', () => {
    const error = make();
    expect(error.name).toBe(Class.name);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(CacheError);
    expect(error).toBeInstanceOf(Class);
    expect(String(error)).toBe(`${Class.name}: ${error.message}`);
    expect(error.stack).toContain(Class.name);
  });

  it('carries its own code and its ancestors` codes in the brand', () => {
    const error = make();
    expect((error as unknown as Record<symbol, unknown>)[BRAND]).toEqual([code, ...ancestors]);
  });

  it('is recognised by its own guard, its ancestors` guards and isCacheError', () => {
    const error = make();
    expect(Class.is(error)).toBe(true);
    expect(CacheError.is(error)).toBe(true);
    expect(isCacheError(error)).toBe(true);
    expect(isCacheError(error, code)).toBe(true);
    for (const ancestor of ancestors) expect(isCacheError(error, ancestor)).toBe(true);
  });

  it('is not recognised by unrelated guards', () => {
    const error = make();
    for (const [Other, otherCode] of CLASSES) {
      const related = otherCode === code || ancestors.includes(otherCode);
      expect(Other.is(error), `${Other.name}.is(${Class.name})`).toBe(related);
      expect(isCacheError(error, otherCode)).toBe(related);
    }
  });
});

describe('cause', () => {
  it('keeps the wrapped error as `cause`', () => {
    const original = new Error('ECONNREFUSED');
    const error = new CacheUnavailableError('Redis is down', { cause: original });
    expect(error.cause).toBe(original);
    expect(error.message).toBe('Redis is down');
  });

  it('keeps non-Error causes, falsy ones included', () => {
    expect(new CacheTimeoutError('t', { cause: 'timeout' }).cause).toBe('timeout');
    expect(new CacheTimeoutError('t', { cause: 0 }).cause).toBe(0);
    expect(new CacheTimeoutError('t', { cause: null }).cause).toBe(null);
  });

  it('has no `cause` property at all without one', () => {
    expect('cause' in new CacheTimeoutError('t')).toBe(false);
    expect('cause' in new CacheTimeoutError('t', {})).toBe(false);
    expect('cause' in new CacheTimeoutError('t', { cause: undefined })).toBe(false);
  });

  it('is supported by the subclasses with their own constructors', () => {
    const cause = new TypeError('circular');
    expect(new InvalidArgumentError('value', 'bad', { cause }).cause).toBe(cause);
    expect(new InvalidConfigError('host', 'bad', { cause }).cause).toBe(cause);
    expect(new SerializationError('bad', { cause, key: 'k' }).cause).toBe(cause);
    expect(new PayloadTooLargeError('big', { cause }).cause).toBe(cause);
  });
});

describe('InvalidArgumentError and InvalidConfigError', () => {
  it('names the argument in the message and in `argument`', () => {
    const error = new InvalidArgumentError('options.ttl', 'expected a duration');
    expect(error.argument).toBe('options.ttl');
    expect(error.message).toBe('Invalid options.ttl: expected a duration');
  });

  it('makes InvalidConfigError an InvalidArgumentError, not the other way round', () => {
    const config = new InvalidConfigError('entityName', 'expected a non-empty string');
    expect(config).toBeInstanceOf(InvalidArgumentError);
    expect(InvalidArgumentError.is(config)).toBe(true);
    expect(config.argument).toBe('entityName');
    expect(config.name).toBe('InvalidConfigError');
    expect(InvalidConfigError.is(new InvalidArgumentError('x', 'y'))).toBe(false);
  });
});

describe('CacheAuthError and CacheTlsError', () => {
  it('say why a connection can never succeed as configured, in `reason`, and are outages', () => {
    const auth = new CacheAuthError('WRONGPASS', 'Redis rejected the username or password');
    expect(auth.reason).toBe('WRONGPASS');
    expect(auth.message).toBe('Redis rejected the username or password (WRONGPASS)');
    expect(CacheUnavailableError.is(auth)).toBe(true);
    const tls = new CacheTlsError('ERR_TLS_CERT_ALTNAME_INVALID', 'the certificate is for another host');
    expect(tls.reason).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(CacheTlsError.is(auth)).toBe(false);
    expect(CacheAuthError.is(tls)).toBe(false);
  });
});

describe('SerializationError and PayloadTooLargeError', () => {
  it('adds the key to the message when known', () => {
    const error = new SerializationError('cannot serialize a function', { key: 'menu:1' });
    expect(error.key).toBe('menu:1');
    expect(error.message).toBe('cannot serialize a function (key "menu:1")');
  });

  it('leaves the message alone without a key', () => {
    const error = new SerializationError('corrupt');
    expect(error.key).toBeUndefined();
    expect(error.message).toBe('corrupt');
    expect(new SerializationError('corrupt', { key: undefined }).message).toBe('corrupt');
  });

  it('makes PayloadTooLargeError a SerializationError with a key', () => {
    const error = new PayloadTooLargeError('2 MB > 1 MB', { key: 'big' });
    expect(error).toBeInstanceOf(SerializationError);
    expect(SerializationError.is(error)).toBe(true);
    expect(PayloadTooLargeError.is(new SerializationError('x'))).toBe(false);
    expect(error.key).toBe('big');
  });
});

describe('user subclasses', () => {
  it('inherit the code and guards of the class they extend', () => {
    class MyTimeout extends CacheTimeoutError {}
    const error = new MyTimeout('slow');
    expect(error.name).toBe('MyTimeout');
    expect(error.code).toBe('E_CACHE_TIMEOUT');
    expect(CacheTimeoutError.is(error)).toBe(true);
    expect(CacheUnavailableError.is(error)).toBe(false);
  });

  it('can define their own code', () => {
    class QuotaError extends CommandError {
      static override readonly code: string = 'E_QUOTA';
    }
    const error = new QuotaError('over quota');
    expect(error.code).toBe('E_QUOTA');
    expect(QuotaError.is(error)).toBe(true);
    expect(CommandError.is(error)).toBe(true);
    expect(QuotaError.is(new CommandError('x'))).toBe(false);
    expect(isCacheError(error, 'E_COMMAND')).toBe(true);
  });
});

describe('the brand', () => {
  it('is non-enumerable, so it stays out of logs and JSON', () => {
    const error = new CacheTimeoutError('slow');
    expect(Object.keys(error)).not.toContain(BRAND);
    expect(Object.getOwnPropertySymbols(error)).toEqual([BRAND]);
    expect(Object.getOwnPropertyDescriptor(error, BRAND)?.enumerable).toBe(false);
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'CacheTimeoutError', code: 'E_CACHE_TIMEOUT' });
  });
});

describe('guards across duplicate installs', () => {
  afterEach(() => {
    vi.resetModules();
  });

  it('recognise errors from a second copy of the module', async () => {
    vi.resetModules();
    const copy: typeof import('./errors.js') = await import('./errors.js');
    // a genuinely different copy: different classes, instanceof fails across them
    expect(copy.CacheTimeoutError).not.toBe(CacheTimeoutError);
    const foreign = new copy.CacheTimeoutError('slow', { cause: new Error('socket') });
    expect(foreign).not.toBeInstanceOf(CacheTimeoutError);
    expect(foreign).not.toBeInstanceOf(CacheError);

    expect(CacheTimeoutError.is(foreign)).toBe(true);
    expect(CacheError.is(foreign)).toBe(true);
    expect(isCacheError(foreign)).toBe(true);
    expect(isCacheError(foreign, 'E_CACHE_TIMEOUT')).toBe(true);
    expect(CacheUnavailableError.is(foreign)).toBe(false);
    expect(InvalidArgumentError.is(foreign)).toBe(false);

    // and the other way round
    const local = new InvalidConfigError('host', 'bad');
    expect(copy.InvalidArgumentError.is(local)).toBe(true);
    expect(copy.InvalidConfigError.is(local)).toBe(true);
    expect(copy.SerializationError.is(local)).toBe(false);
    expect(copy.isCacheError(local, 'E_INVALID_ARGUMENT')).toBe(true);
  });

  it('recognise a hand-built error class carrying the same brand', () => {
    // What an older or newer copy of Forno might construct, sharing nothing but the registry symbol.
    class OtherCacheError extends Error {
      readonly code = 'E_CACHE_TIMEOUT';
      constructor(message: string) {
        super(message);
        Object.defineProperty(this, Symbol.for('forno.error.codes'), {
          value: ['E_CACHE_TIMEOUT', 'E_CACHE'],
        });
      }
    }
    const foreign = new OtherCacheError('slow');
    expect(CacheTimeoutError.is(foreign)).toBe(true);
    expect(CacheError.is(foreign)).toBe(true);
    expect(CacheUnavailableError.is(foreign)).toBe(false);
    expect(isCacheError(foreign, 'E_CACHE_UNAVAILABLE')).toBe(false);
  });

  it('judge by the brand, not by `code` or the class name', () => {
    const lookalike = Object.assign(new Error('slow'), {
      name: 'CacheTimeoutError',
      code: 'E_CACHE_TIMEOUT',
    });
    expect(CacheTimeoutError.is(lookalike)).toBe(false);
    expect(isCacheError(lookalike)).toBe(false);
    const badBrand = Object.assign(new Error('x'), { [BRAND]: 'E_CACHE_TIMEOUT' });
    expect(CacheTimeoutError.is(badBrand)).toBe(false);
    expect(isCacheError(badBrand)).toBe(false);
  });
});

describe('isCacheError on non-errors', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'E_CACHE'],
    ['a number', 42],
    ['a boolean', true],
    ['a symbol', Symbol('E_CACHE')],
    ['a plain Error', new Error('E_CACHE')],
    ['a TypeError', new TypeError('x')],
    ['a Node system error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a plain object', { code: 'E_CACHE' }],
    ['an array', ['E_CACHE']],
    ['a function', () => 'E_CACHE'],
  ])('is false for %s', (_, value) => {
    expect(isCacheError(value)).toBe(false);
    expect(isCacheError(value, 'E_CACHE')).toBe(false);
    expect(CacheError.is(value)).toBe(false);
    expect(CacheTimeoutError.is(value)).toBe(false);
  });

  it('narrows the type', () => {
    const value: unknown = new CacheTimeoutError('slow');
    if (!isCacheError(value)) throw new Error('expected a CacheError');
    expect(value.code).toBe('E_CACHE_TIMEOUT');
    if (!CacheTimeoutError.is(value)) throw new Error('expected a CacheTimeoutError');
    expect(value.message).toBe('slow');
  });
});
