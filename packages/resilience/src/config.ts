import { type Duration, describeValue, InvalidConfigError, parseDuration } from '@forno/core';

/**
 * Option checks shared by the policies' constructors (internal, not exported from the package).
 * Every failure is an {@link InvalidConfigError} whose `argument` names the field (`options.retries`),
 * thrown before the policy exists, so a typo or a bad value never degrades silently.
 */

/** Throws unless `options` is undefined or a plain object whose keys are all in `known`. */
export function assertKnownOptions(options: unknown, known: readonly string[], owner: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidConfigError(
      'options',
      `${owner} expects an options object, got ${describeValue(options)}`,
    );
  }
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new InvalidConfigError(`options.${name}`, `unknown ${owner} option (known: ${known.join(', ')})`);
    }
  }
}

/** The integer at `options.<name>`, `fallback` when undefined; throws unless it is an integer >= `min`. */
export function integerOption(
  value: unknown,
  name: string,
  min: number,
  fallback: number,
  owner: string,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw new InvalidConfigError(
      `options.${name}`,
      `${owner} needs an integer >= ${min}, got ${describeValue(value)}`,
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
  owner: string,
): number {
  if (value === undefined) return fallback;
  const max = range.max ?? Number.POSITIVE_INFINITY;
  const tooSmall = range.minExclusive ? (value as number) <= range.min : (value as number) < range.min;
  if (typeof value !== 'number' || !Number.isFinite(value) || tooSmall || value > max) {
    const lower = `${range.minExclusive ? '>' : '>='} ${range.min}`;
    const bounds = range.max === undefined ? lower : `${lower} and <= ${range.max}`;
    throw new InvalidConfigError(
      `options.${name}`,
      `${owner} needs a number ${bounds}, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** Milliseconds of the {@link Duration} at `options.<name>`, `fallback` when undefined. */
export function durationOption(value: unknown, name: string, fallback: Duration, owner: string): number {
  try {
    return parseDuration((value ?? fallback) as Duration, name);
  } catch (cause) {
    throw new InvalidConfigError(
      `options.${name}`,
      `${owner} needs milliseconds or a string like '100ms' or '60s', got ${describeValue(value)}`,
      { cause },
    );
  }
}

/** The function at `options.<name>`, `fallback` when undefined; `hint` ends the error message. */
export function functionOption<F>(
  value: unknown,
  name: string,
  fallback: F,
  owner: string,
  hint?: string,
): F {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') {
    const message = `${owner} needs a function, got ${describeValue(value)}`;
    throw new InvalidConfigError(`options.${name}`, hint === undefined ? message : `${message}. ${hint}`);
  }
  return value as F;
}

/** The object at `options.<name>` having every method in `methods`, `undefined` when undefined. */
export function strategyOption<S>(
  value: unknown,
  name: string,
  methods: readonly string[],
  owner: string,
): S | undefined {
  if (value === undefined) return undefined;
  const missing =
    value === null || typeof value !== 'object'
      ? methods
      : methods.filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) {
    throw new InvalidConfigError(
      `options.${name}`,
      `${owner} needs an object with ${methods.join(', ')} methods, got ${describeValue(value)}`,
    );
  }
  return value as S;
}
