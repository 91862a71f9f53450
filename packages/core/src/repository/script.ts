import { InvalidArgumentError } from '../errors.js';
import { sha1Hex } from './sha1.js';

/**
 * How a script's reply is read:
 * - `'raw'`: as Redis converts the Lua value (integers, strings, arrays of them, `null`);
 * - `'value'`: the same, but every string in it (at any depth) is decoded with the repository's
 *   serializer, for scripts that return stored values.
 */
export type ScriptReplyMode = 'raw' | 'value';

/** What {@link defineScript} takes. Names of keys and arguments are what `run` is called with. */
export interface ScriptDefinition<K extends string, A extends string> {
  /** The Lua source, run by Redis with `KEYS` and `ARGV` in the order of `keys` and `args`. */
  readonly source: string;
  /** Names of the keys the script touches, in `KEYS` order. Each gets the repository's prefix. */
  readonly keys?: readonly K[];
  /** Names of the arguments, in `ARGV` order. */
  readonly args?: readonly A[];
  /**
   * The arguments that are stored values: encoded with the repository's serializer. The others
   * are sent as they are (strings, and numbers as their decimal text).
   */
  readonly values?: readonly A[];
  /** How the reply is read (default `'raw'`). */
  readonly reply?: ScriptReplyMode;
  /** The script only reads: it may be retried after a lost reply. */
  readonly readOnly?: boolean;
  /** Running it twice leaves the same data and answer: it may be retried after a lost reply. */
  readonly idempotent?: boolean;
  /** A name for errors and logs (default: the first 8 digits of the SHA1). */
  readonly name?: string;
}

/** The repository commands that run scripts. */
export interface ScriptCommands {
  /**
   * Runs `script` with `EVALSHA` (falling back to `EVAL` when the server answers `NOSCRIPT`), with
   * each key of `keys` prefixed and each argument of `args` encoded as the definition declares.
   * Bad keys or arguments reject with `InvalidArgumentError` before anything is sent; on Cluster,
   * keys in several hash slots reject with `CrossSlotError` (use a hash tag), and the script runs
   * on the primary of the first key. A failing script rejects with `ScriptError` (the server's
   * message). Sent once unless the definition says `readOnly` or `idempotent`.
   */
  runScript<T = unknown>(
    script: Script,
    keys?: Readonly<Record<string, string>>,
    args?: Readonly<Record<string, unknown>>,
  ): Promise<T>;
}

/**
 * A script made by {@link defineScript}: its definition, checked and frozen, with its SHA1, and
 * `run` to call it on a repository.
 */
export interface Script<K extends string = string, A extends string = string> {
  /** The Lua source. */
  readonly source: string;
  /** Its SHA1 (lowercase hex): the name `EVALSHA` and `SCRIPT LOAD` use. */
  readonly sha: string;
  /** Names of the keys, in `KEYS` order. */
  readonly keys: readonly K[];
  /** Names of the arguments, in `ARGV` order. */
  readonly args: readonly A[];
  /** The arguments encoded with the serializer. */
  readonly values: readonly A[];
  /** How the reply is read. */
  readonly reply: ScriptReplyMode;
  /** Whether it only reads. */
  readonly readOnly: boolean;
  /** Whether it may be retried (`readOnly` or `idempotent`). */
  readonly retryable: boolean;
  /** Its name, for errors and logs. */
  readonly name: string;
  /**
   * Runs it on `repository` (see {@link ScriptCommands.runScript}); `T` is the reply's type as the
   * caller knows it from the Lua source.
   */
  run<T = unknown>(
    repository: ScriptCommands,
    keys: Readonly<Record<K, string>>,
    args: Readonly<Record<A, unknown>>,
  ): Promise<T>;
}

const DEFINITION_OPTIONS = new Set([
  'source',
  'keys',
  'args',
  'values',
  'reply',
  'readOnly',
  'idempotent',
  'name',
]);

/**
 * Defines a Lua script that runs atomically on the server, with the repository's key prefix and
 * serializer. The definition is checked here (a bad one throws `InvalidArgumentError`), so a
 * mistake shows when the module loads, not at the first call.
 *
 * ```ts
 * const claimOrder = defineScript({
 *   keys: ['pending', 'processing'],
 *   args: ['station'],
 *   source: `
 *     local order = redis.call('ZPOPMAX', KEYS[1])[1]
 *     if not order then return false end
 *     redis.call('HSET', KEYS[2], order, ARGV[1])
 *     return order`,
 * });
 * const order = await claimOrder.run<string | null>(redis, { pending: 'orders:pending', processing: 'orders:processing' }, { station: 'oven-1' });
 * ```
 */
export function defineScript<const K extends string = never, const A extends string = never>(
  definition: ScriptDefinition<K, A>,
): Script<K, A> {
  if (definition === null || typeof definition !== 'object') {
    throw new InvalidArgumentError('definition', 'expected an object');
  }
  for (const option of Object.keys(definition)) {
    if (!DEFINITION_OPTIONS.has(option))
      throw new InvalidArgumentError(`definition.${option}`, 'unknown option');
  }
  const { source, reply = 'raw', readOnly = false, idempotent = false } = definition;
  if (typeof source !== 'string' || source.trim() === '') {
    throw new InvalidArgumentError('definition.source', 'expected the Lua source, a non-empty string');
  }
  const keys = names(definition.keys, 'definition.keys');
  const args = names(definition.args, 'definition.args');
  const values = names(definition.values, 'definition.values');
  for (const name of values) {
    if (!args.includes(name)) {
      throw new InvalidArgumentError('definition.values', `${JSON.stringify(name)} is not one of args`);
    }
  }
  if (reply !== 'raw' && reply !== 'value') {
    throw new InvalidArgumentError('definition.reply', "expected 'raw' or 'value'");
  }
  if (typeof readOnly !== 'boolean')
    throw new InvalidArgumentError('definition.readOnly', 'expected a boolean');
  if (typeof idempotent !== 'boolean') {
    throw new InvalidArgumentError('definition.idempotent', 'expected a boolean');
  }
  const sha = sha1Hex(source);
  const name = definition.name ?? `script:${sha.slice(0, 8)}`;
  if (typeof name !== 'string' || name === '') {
    throw new InvalidArgumentError('definition.name', 'expected a non-empty string');
  }
  const script: Script<K, A> = Object.freeze({
    source,
    sha,
    keys,
    args,
    values,
    reply,
    readOnly,
    retryable: readOnly || idempotent,
    name,
    // A closure, not `this`: `const { run } = script` works too.
    run: <T>(repository: ScriptCommands, keyValues: Record<K, string>, argValues: Record<A, unknown>) =>
      repository.runScript<T>(script as Script, keyValues, argValues),
  });
  return script;
}

/** Whether `value` is a script made by {@link defineScript} (checked by shape, across installs). */
export function isScript(value: unknown): value is Script {
  const script = value as Partial<Script> | null;
  return (
    typeof script === 'object' &&
    script !== null &&
    typeof script.source === 'string' &&
    typeof script.sha === 'string' &&
    Array.isArray(script.keys) &&
    Array.isArray(script.args) &&
    Array.isArray(script.values) &&
    (script.reply === 'raw' || script.reply === 'value')
  );
}

function names<N extends string>(list: readonly N[] | undefined, argument: string): readonly N[] {
  if (list === undefined) return Object.freeze([]);
  if (!Array.isArray(list)) throw new InvalidArgumentError(argument, 'expected an array of names');
  const seen = new Set<string>();
  for (const name of list) {
    if (typeof name !== 'string' || name === '') {
      throw new InvalidArgumentError(argument, 'expected non-empty strings');
    }
    if (seen.has(name)) throw new InvalidArgumentError(argument, `${JSON.stringify(name)} appears twice`);
    seen.add(name);
  }
  return Object.freeze([...list]);
}
