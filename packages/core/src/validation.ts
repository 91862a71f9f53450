import { describeValue } from './duration.js';
import { InvalidArgumentError, SerializationError } from './errors.js';
import { checkKnownOptions, type OptionType } from './options.js';
import type { ScoreBound } from './repository/options.js';

/**
 * Argument checks shared by every backend, so bad input fails the same way on Redis and on the
 * in-memory fake, before anything is sent.
 */

/** Throws unless `value` is a safe integer. */
export function assertInteger(value: unknown, argument: string): asserts value is number {
  if (!Number.isSafeInteger(value)) {
    throw new InvalidArgumentError(argument, `expected an integer, got ${describeValue(value)}`);
  }
}

/** Throws unless `value` is an integer >= `min`. */
export function assertIntegerAtLeast(value: unknown, min: number, argument: string): asserts value is number {
  assertInteger(value, argument);
  if (value < min) throw new InvalidArgumentError(argument, `expected an integer >= ${min}, got ${value}`);
}

/**
 * Whether `text` has no lone UTF-16 surrogate, i.e. whether it survives UTF-8 — the encoding of
 * every string sent to Redis — unchanged. (`String.prototype.isWellFormed`, ES2024.)
 */
export function isWellFormedText(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/**
 * Throws unless `text` is well-formed UTF-16 (see {@link isWellFormedText}). Keys, field names,
 * channels, patterns and tokens are sent as UTF-8, where a lone surrogate silently becomes U+FFFD
 * and the key written is not the key asked for; they are refused instead.
 */
export function assertWellFormed(text: string, argument: string): void {
  if (!isWellFormedText(text)) {
    throw new InvalidArgumentError(
      argument,
      'contains a lone UTF-16 surrogate, which UTF-8 cannot carry (Redis would store U+FFFD instead)',
    );
  }
}

/** Throws unless `value` is a non-empty, well-formed string (sent to Redis as it is). */
export function assertNonEmptyString(value: unknown, argument: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(argument, `expected a non-empty string, got ${describeValue(value)}`);
  }
  assertWellFormed(value, argument);
}

/** Throws unless `value` is a number other than NaN (±Infinity are valid Redis scores). */
export function assertScore(value: unknown, argument: string): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new InvalidArgumentError(argument, `expected a number, got ${describeValue(value)}`);
  }
}

/** Throws unless `value` is a finite number (`INCRBYFLOAT` rejects NaN and ±Infinity). */
export function assertFinite(value: unknown, argument: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(argument, `expected a finite number, got ${describeValue(value)}`);
  }
}

/** Throws unless `list` has at least one element (Redis rejects empty variadic commands). */
export function assertNotEmpty(list: readonly unknown[], argument: string): void {
  if (list.length === 0) throw new InvalidArgumentError(argument, 'expected at least one element');
}

/**
 * Throws `InvalidArgumentError` unless `options` (the options of one call, such as `set`'s) is
 * undefined or an object whose keys are all in `allowed`, each of the type given there. The same
 * check as constructors' `assertKnownOptions`, with the error of bad input: `argument` is
 * `options.<field>` (or `argument` itself for the object).
 */
export function assertOptions(
  options: unknown,
  allowed: Readonly<Record<string, OptionType>>,
  argument = 'options',
): void {
  checkKnownOptions(options, allowed, undefined, argument, InvalidArgumentError);
}

/** Formats a score for a Redis command: `inf`/`-inf` for infinities. */
export function formatScore(score: number): string {
  if (score === Number.POSITIVE_INFINITY) return '+inf';
  if (score === Number.NEGATIVE_INFINITY) return '-inf';
  return String(score);
}

/** Parses a score from a Redis reply (`'inf'`, `'-inf'`, `'1.5'` or a RESP3 double). */
export function parseScore(reply: string | number | Uint8Array): number {
  if (typeof reply === 'number') return reply;
  const text = typeof reply === 'string' ? reply : Buffer.from(reply).toString('latin1');
  switch (text) {
    case 'inf':
    case '+inf':
      return Number.POSITIVE_INFINITY;
    case '-inf':
      return Number.NEGATIVE_INFINITY;
    default:
      return Number(text);
  }
}

const EXCLUSIVE_BOUND = /^\(([+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?|[+-]?inf)$/i;

/** Validates a {@link ScoreBound} and formats it as Redis expects (`'-inf'`, `'5'`, `'(5'`). */
export function formatScoreBound(bound: ScoreBound, argument: string): string {
  if (typeof bound === 'number') {
    assertScore(bound, argument);
    return formatScore(bound);
  }
  if (bound === '-inf' || bound === '+inf') return bound;
  if (typeof bound === 'string' && EXCLUSIVE_BOUND.test(bound)) return bound;
  throw new InvalidArgumentError(
    argument,
    `expected a number, '-inf', '+inf' or an exclusive bound like '(5', got ${describeValue(bound)}`,
  );
}

/** Why a hash field cannot be handed over as an object property, or `undefined` when it can. */
function prototypeHazard(field: string, value: unknown): string | undefined {
  if (field === '__proto__') return 'a field named __proto__';
  if (
    field === 'constructor' &&
    value !== null &&
    typeof value === 'object' &&
    Object.hasOwn(value, 'prototype')
  ) {
    return 'a constructor field holding an object with a prototype key';
  }
  return undefined;
}

/**
 * Throws `InvalidArgumentError` for a hash field that `hgetall` would refuse to read (see
 * {@link recordFromPairs}): a field named `__proto__`, or a `constructor` field whose value has a
 * `prototype` key. Called by `hset` and `hincrby` before anything is sent.
 */
export function assertSafeField(field: string, value: unknown, argument: string): void {
  const hazard = prototypeHazard(field, value);
  if (hazard !== undefined) {
    throw new InvalidArgumentError(
      argument,
      `${hazard} could pollute prototypes once read back as an object`,
    );
  }
}

/**
 * Builds a record from field/value pairs read from Redis (untrusted data). A field named
 * `__proto__`, or a `constructor` field holding an object with a `prototype` key, is refused with
 * `SerializationError`: as an own property it turns `Object.assign(target, record)` or a deep merge
 * into a prototype change — the same payloads the JSON and MessagePack guards of
 * `@forno/serialization` refuse. A null-prototype record would not help: `Object.assign` still
 * assigns `target.__proto__`.
 */
export function recordFromPairs<T>(pairs: Iterable<readonly [string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [field, value] of pairs) {
    const hazard = prototypeHazard(field, value);
    if (hazard !== undefined) throw new SerializationError(`refusing a hash with ${hazard}`);
    out[field] = value;
  }
  return out;
}
