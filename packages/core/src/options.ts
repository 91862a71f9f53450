import { type Duration, describeValue, parseDuration, parseTtl } from './duration.js';
import { type InvalidArgumentError, InvalidConfigError } from './errors.js';

/**
 * The one option resolver of Forno: every constructor and factory that takes an options object
 * checks it with these functions, before anything is built or sent. Every failure is an
 * {@link InvalidConfigError} whose `argument` names the field the same way everywhere —
 * `options.<field>` (`options` for the object itself) — and whose message says what was expected
 * and what was given, prefixed with the owner (`RetryPolicy needs …`) when one is named. A typo or a
 * bad value never degrades silently. Nested objects are named by their path (`options.tls.ca`).
 * The options of a single call (`set(key, value, { ttl })`) are checked by the same code
 * (`assertOptions`), as an `InvalidArgumentError`: they are bad input, not configuration.
 */

/**
 * The `typeof` a field must have, for {@link assertKnownOptions}; `'duration'` accepts a number or
 * a string (parsed later), `'any'` every value.
 */
export type OptionType = 'boolean' | 'number' | 'string' | 'object' | 'function' | 'duration' | 'any';

/** `owner needs` or `expected`, the start of every message. */
function needs(owner: string | undefined): string {
  return owner === undefined ? 'expected' : `${owner} needs`;
}

/**
 * Throws `InvalidConfigError` unless `options` is undefined or a plain object whose keys are all
 * known. `known` is a list of names, or a record of names to the type their values must have when
 * defined. `path` names the object (`options`, or `options.tls` for a nested one).
 */
export function assertKnownOptions(
  options: unknown,
  known: readonly string[] | ReadonlySet<string> | Readonly<Record<string, OptionType>>,
  owner?: string,
  path = 'options',
): void {
  checkKnownOptions(options, known, owner, path, InvalidConfigError);
}

/**
 * The one check behind {@link assertKnownOptions} (constructor options: `InvalidConfigError`) and
 * `assertOptions` (the options of one call: `InvalidArgumentError`).
 */
export function checkKnownOptions(
  options: unknown,
  known: readonly string[] | ReadonlySet<string> | Readonly<Record<string, OptionType>>,
  owner: string | undefined,
  path: string,
  ErrorClass: typeof InvalidConfigError | typeof InvalidArgumentError,
): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ErrorClass(path, `${needs(owner)} an options object, got ${describeValue(options)}`);
  }
  const types =
    Array.isArray(known) || known instanceof Set
      ? undefined
      : (known as Readonly<Record<string, OptionType>>);
  // Every call with options passes here (`set(key, value, { ttl })`, each lock attempt): look
  // names up without building lists, and build them only for the error message.
  for (const name of Object.keys(options)) {
    // Own names only: `known.toString`, `known.constructor`... are not options.
    const isKnown =
      types !== undefined
        ? Object.hasOwn(types, name)
        : known instanceof Set
          ? known.has(name)
          : (known as readonly string[]).includes(name);
    if (!isKnown) {
      const names = types === undefined ? [...(known as Iterable<string>)] : Object.keys(types);
      const whose = owner === undefined ? 'unknown option' : `unknown ${owner} option`;
      throw new ErrorClass(`${path}.${name}`, `${whose} (known: ${names.join(', ')})`);
    }
    const value = (options as Record<string, unknown>)[name];
    if (types === undefined || value === undefined) continue;
    const expected = types[name];
    if (expected === 'any' || isOfType(value, expected)) continue;
    const what = expected === 'duration' ? "duration (milliseconds or a string like '30s')" : expected;
    throw new ErrorClass(`${path}.${name}`, `${needs(owner)} a ${what}, got ${describeValue(value)}`);
  }
}

function isOfType(value: unknown, expected: OptionType | undefined): boolean {
  if (expected === 'duration') return typeof value === 'number' || typeof value === 'string';
  return typeof value === expected;
}

/**
 * The integer at `options.<name>`, `fallback` when undefined; throws unless it is an integer in
 * `[min, max]` (`max` defaults to `Number.MAX_SAFE_INTEGER`).
 */
export function integerOption(
  value: unknown,
  name: string,
  min: number,
  fallback: number,
  owner?: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new InvalidConfigError(
      `options.${name}`,
      `${needs(owner)} an integer ${range}, got ${describeValue(value)}`,
    );
  }
  return value as number;
}

/** The finite number at `options.<name>` within `[min, max]`, `fallback` when undefined. */
export function numberOption(
  value: unknown,
  name: string,
  range: { readonly min: number; readonly max?: number; readonly minExclusive?: boolean },
  fallback: number,
  owner?: string,
): number {
  if (value === undefined) return fallback;
  const max = range.max ?? Number.POSITIVE_INFINITY;
  const tooSmall = range.minExclusive ? (value as number) <= range.min : (value as number) < range.min;
  if (typeof value !== 'number' || !Number.isFinite(value) || tooSmall || value > max) {
    const lower = `${range.minExclusive ? '>' : '>='} ${range.min}`;
    const bounds = range.max === undefined ? lower : `${lower} and <= ${range.max}`;
    throw new InvalidConfigError(
      `options.${name}`,
      `${needs(owner)} a number ${bounds}, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** Milliseconds of the {@link Duration} at `options.<name>` (zero allowed), `fallback` when undefined. */
export function durationOption(value: unknown, name: string, fallback: Duration, owner?: string): number {
  try {
    return parseDuration((value ?? fallback) as Duration, name);
  } catch (cause) {
    throw new InvalidConfigError(
      `options.${name}`,
      `${needs(owner)} milliseconds or a string like '100ms' or '60s', got ${describeValue(value)}`,
      { cause },
    );
  }
}

/**
 * Whole milliseconds of the TTL at `options.<name>` (greater than zero, rounded up, as every TTL),
 * `undefined` when undefined.
 */
export function ttlOption(value: unknown, name: string, owner?: string): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseTtl(value as Duration, name);
  } catch (cause) {
    throw new InvalidConfigError(
      `options.${name}`,
      `${needs(owner)} a TTL greater than zero, in milliseconds or a string like '30s' or '24h', got ${describeValue(value)}`,
      { cause },
    );
  }
}

/** The function at `options.<name>`, `fallback` when undefined; `hint` ends the error message. */
export function functionOption<F>(
  value: unknown,
  name: string,
  fallback: F,
  owner?: string,
  hint?: string,
): F {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') {
    const message = `${needs(owner)} a function, got ${describeValue(value)}`;
    throw new InvalidConfigError(`options.${name}`, hint === undefined ? message : `${message}. ${hint}`);
  }
  return value as F;
}

/** The object at `options.<name>` having every method in `methods`, `undefined` when undefined. */
export function strategyOption<S>(
  value: unknown,
  name: string,
  methods: readonly string[],
  owner?: string,
): S | undefined {
  if (value === undefined) return undefined;
  const missing =
    value === null || typeof value !== 'object'
      ? methods
      : methods.filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) {
    throw new InvalidConfigError(
      `options.${name}`,
      `${needs(owner)} an object with ${methods.join(', ')} methods, got ${describeValue(value)}`,
    );
  }
  return value as S;
}

/** The string at `options.<name>` among `choices`, `fallback` when undefined. */
export function choiceOption<T extends string>(
  value: unknown,
  name: string,
  choices: readonly T[],
  fallback: T,
  owner?: string,
): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) {
    const list = choices.map((choice) => `'${choice}'`).join(', ');
    throw new InvalidConfigError(
      `options.${name}`,
      `${needs(owner)} one of ${list}, got ${describeValue(value)}`,
    );
  }
  return value as T;
}
