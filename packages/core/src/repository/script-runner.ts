import { CommandError, InvalidArgumentError, ScriptError, WrongTypeError } from '../errors.js';
import { assertWellFormed } from '../validation.js';
import type { RawCommands, RawScriptReply, RawValue } from './raw-commands.js';
import { isScript, type Script } from './script.js';

/** What running a script needs from the repository: its prefix and serializer, applied as elsewhere. */
export interface ScriptCodec {
  /** The full key of `key` (validated). */
  key(key: string, argument: string): string;
  /** `value` encoded with the serializer. */
  encode(value: unknown): RawValue;
  /** A stored value decoded with the serializer. */
  decode(value: RawValue): unknown;
}

const utf8 = new TextDecoder();

/**
 * `runScript`: checks the script and its inputs (before anything is sent), prefixes the keys,
 * encodes the arguments, runs it on the backend and reads the reply as the definition says. An
 * error reply of the script becomes a `ScriptError` with the server's message.
 */
export async function runScript(
  raw: RawCommands,
  codec: ScriptCodec,
  script: Script,
  keys: Readonly<Record<string, string>> | undefined,
  args: Readonly<Record<string, unknown>> | undefined,
): Promise<unknown> {
  if (!isScript(script)) throw new InvalidArgumentError('script', 'expected a script made by defineScript');
  const fullKeys = script.keys.map((name) =>
    codec.key(inputOf(keys, name, 'keys') as string, `keys.${name}`),
  );
  const values = new Set<string>(script.values);
  const rawArgs = script.args.map((name) => {
    const value = inputOf(args, name, 'args');
    return values.has(name) ? codec.encode(value) : plainArgument(value, `args.${name}`);
  });
  let reply: RawScriptReply;
  try {
    reply = await raw.evalScript(script, fullKeys, rawArgs);
  } catch (error) {
    if (CommandError.is(error) || WrongTypeError.is(error)) {
      throw new ScriptError(`${script.name} failed: ${(error as Error).message}`, { cause: error });
    }
    throw error;
  }
  return script.reply === 'value' ? decodeValues(reply, codec) : readRaw(reply);
}

/** The input named `name`: present, or an `InvalidArgumentError` naming it. */
function inputOf(record: Readonly<Record<string, unknown>> | undefined, name: string, argument: string) {
  if (record === undefined || record === null || typeof record !== 'object') {
    throw new InvalidArgumentError(argument, `expected an object with ${JSON.stringify(name)}`);
  }
  if (!Object.hasOwn(record, name) || record[name] === undefined) {
    throw new InvalidArgumentError(`${argument}.${name}`, 'missing');
  }
  return record[name];
}

/** An argument sent as it is: a string, or a finite number as its decimal text. */
function plainArgument(value: unknown, argument: string): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidArgumentError(argument, 'expected a finite number');
    return String(value);
  }
  if (typeof value !== 'string') {
    throw new InvalidArgumentError(
      argument,
      'expected a string or a number (declare it in `values` to send it through the serializer)',
    );
  }
  assertWellFormed(value, argument);
  return value;
}

function readRaw(reply: RawScriptReply): unknown {
  if (Array.isArray(reply)) return reply.map(readRaw);
  return reply instanceof Uint8Array ? utf8.decode(reply) : reply;
}

function decodeValues(reply: RawScriptReply, codec: ScriptCodec): unknown {
  if (Array.isArray(reply)) return reply.map((item) => decodeValues(item, codec));
  if (typeof reply === 'string' || reply instanceof Uint8Array) return codec.decode(reply);
  return reply;
}
