import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { isCommandIdempotent, isIdempotent, keysOfCall } from './command-table.js';
import { defineScript, isScript } from './script.js';
import { sha1Hex } from './sha1.js';

describe('sha1Hex', () => {
  it.each(['', 'return 1', 'é∑ — 🍕', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), 'w'.repeat(1000)])(
    'matches node:crypto for %j',
    (text) => {
      expect(sha1Hex(text)).toBe(createHash('sha1').update(text).digest('hex'));
    },
  );
});

describe('defineScript', () => {
  it('freezes a checked definition with its SHA1 and a default name', () => {
    const script = defineScript({ keys: ['a', 'b'], args: ['x', 'v'], values: ['v'], source: 'return 1' });
    expect(script).toMatchObject({
      sha: createHash('sha1').update('return 1').digest('hex'),
      keys: ['a', 'b'],
      args: ['x', 'v'],
      values: ['v'],
      reply: 'raw',
      readOnly: false,
      retryable: false,
    });
    expect(script.name).toBe(`script:${script.sha.slice(0, 8)}`);
    expect(Object.isFrozen(script)).toBe(true);
    expect(isScript(script)).toBe(true);
    expect(isScript({ source: 'return 1' })).toBe(false);
  });

  it.each([
    [{ source: '' }, 'definition.source'],
    [{ source: 'return 1', keys: 'a' }, 'definition.keys'],
    [{ source: 'return 1', keys: ['a', 'a'] }, 'definition.keys'],
    [{ source: 'return 1', args: [''] }, 'definition.args'],
    [{ source: 'return 1', args: ['x'], values: ['y'] }, 'definition.values'],
    [{ source: 'return 1', reply: 'json' }, 'definition.reply'],
    [{ source: 'return 1', readOnly: 'yes' }, 'definition.readOnly'],
    [{ source: 'return 1', lua: 'return 2' }, 'definition.lua'],
  ])('rejects a bad definition %j naming %s', (definition, argument) => {
    const error = (() => {
      try {
        defineScript(definition as never);
      } catch (caught) {
        return caught;
      }
    })();
    expect(InvalidArgumentError.is(error)).toBe(true);
    expect((error as Error).message).toContain(argument);
  });
});

describe('script.run', () => {
  it('hands the script itself to runScript, also when detached from it', async () => {
    const script = defineScript({ keys: ['k'], args: ['a'], source: 'return 1' });
    const calls: unknown[][] = [];
    const repository = {
      runScript: async <T>(...args: unknown[]) => {
        calls.push(args);
        return 1 as T;
      },
    };
    const { run } = script;
    expect(await run(repository, { k: 'x' }, { a: 'y' })).toBe(1);
    expect(calls).toEqual([[script, { k: 'x' }, { a: 'y' }]]);
  });
});

describe('scripts in the command table', () => {
  const writing = defineScript({ keys: ['k'], source: "return redis.call('INCR', KEYS[1])" });
  const reading = defineScript({ keys: ['k'], source: "return redis.call('GET', KEYS[1])", readOnly: true });
  const idempotent = defineScript({
    keys: ['k'],
    source: "return redis.call('SET', KEYS[1], 1)",
    idempotent: true,
  });

  it('retries only scripts declared read-only or idempotent, raw and repository alike', () => {
    expect(isCommandIdempotent('runScript', [writing, { k: 'a' }, {}])).toBe(false);
    expect(isCommandIdempotent('runScript', [reading, { k: 'a' }, {}])).toBe(true);
    expect(isIdempotent('evalScript', [writing, ['p:a'], []])).toBe(false);
    expect(isIdempotent('evalScript', [idempotent, ['p:a'], []])).toBe(true);
  });

  it('names the declared keys in KEYS order', () => {
    const twoKeys = defineScript({ keys: ['second', 'first'], source: 'return 1' });
    expect(keysOfCall('runScript', [twoKeys, { first: 'a', second: 'b' }, {}])).toEqual(['b', 'a']);
  });
});
