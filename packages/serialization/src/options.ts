import { describeValue, InvalidConfigError } from '@forno/core';

type OptionType = 'boolean' | 'number' | 'string' | 'object';

/**
 * Checks an options object: undefined or a plain object whose keys are all known and whose values
 * have the expected types. A typo such as `{ treshold: 10 }` fails with {@link InvalidConfigError}
 * instead of being ignored.
 */
export function assertConfig(options: unknown, allowed: Readonly<Record<string, OptionType>>): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidConfigError('options', `expected an object, got ${describeValue(options)}`);
  }
  for (const [name, value] of Object.entries(options)) {
    const expected = Object.hasOwn(allowed, name) ? allowed[name] : undefined;
    if (expected === undefined) {
      throw new InvalidConfigError(
        `options.${name}`,
        `unknown option (known: ${Object.keys(allowed).join(', ')})`,
      );
    }
    if (value !== undefined && typeof value !== expected) {
      throw new InvalidConfigError(`options.${name}`, `expected a ${expected}, got ${describeValue(value)}`);
    }
  }
}

/** Validates an integer option within `[min, max]`. */
export function integerOption(value: unknown, name: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new InvalidConfigError(
      `options.${name}`,
      `expected an integer ${range}, got ${describeValue(value)}`,
    );
  }
  return value as number;
}

/** Validates a string option against a list of choices. */
export function choiceOption<T extends string>(value: unknown, name: string, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw new InvalidConfigError(
      `options.${name}`,
      `expected one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describeValue(value)}`,
    );
  }
  return value as T;
}
