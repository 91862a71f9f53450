import type { Serializer } from '@forno/core';
import { compressed, JsonSerializer, RawSerializer } from '@forno/serialization';
import { MsgpackSerializer } from '@forno/serialization/msgpack';

/**
 * A serializer configuration the contract suite runs with, and how its stored values look to the
 * tests: every serializer Forno ships takes a different path through a backend (text or binary
 * replies, framed or plain payloads), so the suite runs once per configuration.
 */
export interface ContractSerializer {
  /** Label in test names: `'json'`, `'msgpack'`, `'raw-string'`... */
  readonly name: string;
  /** A new serializer of this configuration. */
  create(): Serializer;
  /**
   * What the serializer represents: `'structured'` (objects, arrays, numbers, strings...),
   * `'text'` (strings only, read back as strings) or `'bytes'` (strings or bytes, read back as
   * Buffers). The suite stores a structured sample as its JSON text with the latter two.
   */
  readonly values: 'structured' | 'text' | 'bytes';
  /** Whether an integer it stores is the decimal text `INCRBY` understands. */
  readonly integersAsText: boolean;
}

/** JSON, the default serializer: the configuration every backend is tested with first. */
export const JSON_CONTRACT_SERIALIZER: ContractSerializer = {
  name: 'json',
  create: () => new JsonSerializer(),
  values: 'structured',
  integersAsText: true,
};

/**
 * Every serializer configuration Forno ships, with its default options: JSON, MessagePack, raw
 * strings, raw Buffers, compressed JSON and compressed MessagePack (values above 1 KiB compressed).
 */
export const CONTRACT_SERIALIZERS: readonly ContractSerializer[] = [
  JSON_CONTRACT_SERIALIZER,
  { name: 'msgpack', create: () => new MsgpackSerializer(), values: 'structured', integersAsText: false },
  { name: 'raw-string', create: () => new RawSerializer(), values: 'text', integersAsText: true },
  {
    name: 'raw-buffer',
    create: () => new RawSerializer({ as: 'buffer' }),
    values: 'bytes',
    integersAsText: true,
  },
  {
    name: 'compressed-json',
    create: () => compressed(new JsonSerializer()),
    values: 'structured',
    integersAsText: true,
  },
  {
    name: 'compressed-msgpack',
    create: () => compressed(new MsgpackSerializer()),
    values: 'structured',
    integersAsText: false,
  },
];

/**
 * The form in which a sample value is written to, and read back from, a repository using
 * `serializer`: the value itself for structured serializers; its JSON text for raw ones (as a
 * Buffer when they read Buffers).
 */
export function storedForm(serializer: ContractSerializer, value: unknown): unknown {
  if (serializer.values === 'structured') return value;
  const text = JSON.stringify(value);
  return serializer.values === 'text' ? text : Buffer.from(text, 'utf8');
}
